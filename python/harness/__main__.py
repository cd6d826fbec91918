from harness.supervisor import main

main()
