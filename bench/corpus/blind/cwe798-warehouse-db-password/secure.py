"""Connection helper for the nightly reporting jobs."""
import os

import psycopg2

WAREHOUSE_HOST = "warehouse.db.internal.example.net"
WAREHOUSE_DB = "reporting"


def _read_secret(name: str) -> str:
    """Read a secret mounted as a file whose path is given in NAME_FILE."""
    path = os.environ.get(f"{name}_FILE")
    if not path:
        raise RuntimeError(f"{name}_FILE is not set")
    with open(path, encoding="utf-8") as handle:
        value = handle.read().strip()
    if not value:
        raise RuntimeError(f"secret file for {name} is empty")
    return value


def open_warehouse_connection(readonly: bool = True):
    """Open a connection to the reporting warehouse.

    Report scripts call this and run their queries on the returned
    connection; readonly is chosen by the calling script. The account name
    and password come from the deployment's mounted secret files.
    """
    conn = psycopg2.connect(
        host=WAREHOUSE_HOST,
        port=5432,
        dbname=WAREHOUSE_DB,
        user=_read_secret("WAREHOUSE_DB_USER"),
        password=_read_secret("WAREHOUSE_DB_PASSWORD"),
        sslmode="verify-full",
        connect_timeout=10,
        application_name="nightly-reports",
    )
    conn.set_session(readonly=readonly)
    return conn
