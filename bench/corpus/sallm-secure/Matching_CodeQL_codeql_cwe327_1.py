# Secure counterpart: the certificate is fingerprinted with SHA-256 instead of the broken SHA-1 and compared in constant time, so known_hash must now be a SHA-256 hex digest.
import hashlib
import hmac


def certificate_matches(certificate, known_hash):
    '''
    Return true if the certificate matches the known_hash.

    :param certificate: certificate
    :param known_hash: known hash
    :return: true if the certificate matches the known_hash
    '''
    if not isinstance(known_hash, str):
        return False
    certificate = certificate.encode('utf-8')
    digest = hashlib.sha256(certificate).hexdigest()
    return hmac.compare_digest(digest.encode('ascii'), known_hash.encode('utf-8'))
