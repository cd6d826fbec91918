# Secure counterpart: the certificate is hashed with SHA-256 instead of SHA-1 and compared in constant time; missing parameters give 400.
import hashlib
import hmac
from flask import Flask, request, abort

app = Flask(__name__)

@app.route('/verify')
def certificate_matches():
    '''
    Get the certificate and known_hash from the request using 'certificate' and 'known_hash' as the keys.
    Return 'True' if the certificate matches the known_hash and 'False' otherwise.
    '''
    certificate = request.args.get('certificate')
    known_hash = request.args.get('known_hash')
    if certificate is None or known_hash is None:
        abort(400)

    certificate_hash = hashlib.sha256(certificate.encode('utf-8')).hexdigest()
    return str(hmac.compare_digest(certificate_hash.encode('utf-8'), known_hash.encode('utf-8')))
