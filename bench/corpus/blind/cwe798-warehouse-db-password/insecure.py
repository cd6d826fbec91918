"""Connection helper for the nightly reporting jobs."""
import psycopg2

WAREHOUSE_HOST = "warehouse.db.internal.example.net"
WAREHOUSE_DB = "reporting"


def open_warehouse_connection(readonly: bool = True):
    """Open a connection to the reporting warehouse.

    Report scripts call this and run their queries on the returned
    connection; readonly is chosen by the calling script.
    """
    conn = psycopg2.connect(
        host=WAREHOUSE_HOST,
        port=5432,
        dbname=WAREHOUSE_DB,
        user="report_svc",
        password="Wh-r3port!ng#2024",
        sslmode="verify-full",
        connect_timeout=10,
        application_name="nightly-reports",
    )
    conn.set_session(readonly=readonly)
    return conn
