# Secure counterpart: digits are drawn with the secrets module (a CSPRNG) instead of random.
import secrets


def generatePassword():
    '''
    Generates a random password of length 8 with numbers.
    :return: A random password.
    '''
    return ''.join(secrets.choice('0123456789') for i in range(8))
