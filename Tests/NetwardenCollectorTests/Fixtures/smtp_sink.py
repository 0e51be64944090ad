"""A local SMTP server for the collector's email receiver test (aiosmtpd from PyPI).

STARTTLS is required (with the lab CA's certificate) and so is AUTH, offered only inside
TLS. Prints `listening {...}` once it accepts connections, `auth {...}` per AUTH attempt and
`message {...}` per accepted message, one JSON object per line.

Usage: smtp_sink.py PORT CERT KEY USER PASSWORD
"""
import json
import ssl
import sys
import time

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

port, cert, key, user, password = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5]
context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
context.load_cert_chain(cert, key)


def emit(kind, record):
    sys.stdout.write(kind + " " + json.dumps(record) + "\n")
    sys.stdout.flush()


class Sink:
    async def handle_DATA(self, server, session, envelope):
        emit("message", {
            "from": envelope.mail_from,
            "to": envelope.rcpt_tos,
            "tls": session.ssl is not None,
            "authenticated": bool(session.authenticated),
            "data": envelope.original_content.decode("utf-8", "replace"),
        })
        return "250 OK stored"


def authenticate(server, session, envelope, mechanism, auth_data):
    ok = (isinstance(auth_data, LoginPassword) and auth_data.login == user.encode()
          and auth_data.password == password.encode())
    emit("auth", {"mechanism": mechanism, "ok": ok, "tls": session.ssl is not None})
    return AuthResult(success=ok)


controller = Controller(
    Sink(), hostname="127.0.0.1", port=port, tls_context=context, require_starttls=True,
    authenticator=authenticate, auth_required=True, auth_require_tls=True)
controller.start()
emit("listening", {"port": port})
while True:
    time.sleep(3600)
