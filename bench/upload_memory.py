"""How much memory a gunicorn worker uses while it takes a 25MB upload, and how fast uploads go
through the portal compared with boto3 alone to the same SeaweedFS, measured in one run.

    .venv/bin/python bench/upload_memory.py [--runs 5] [--mb 1 25]

`make bench` runs it too (bench/run.py calls measure() with a PostgreSQL database of its own).
It starts its own SeaweedFS, a database (SQLite unless given one) and gunicorn (one sync worker,
so the worker taking the upload is known; production settings with CSRF on), signs in as a
provider and uploads PDFs of random bytes (so nothing compresses) through the upload page, as
a browser would. The worker's peak RSS is its kernel
high-water mark (VmHWM), reset just before the big upload. Timings are wall-clock medians; the
portal's include receiving the request, every check (libmagic, the PDF scan, SHA-256), the S3
upload and the database write. Figures are for comparing runs on one machine, never asserts.
"""

from __future__ import annotations

import argparse
import http.client
import io
import os
import re
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

PROJECT_ROOT = Path(__file__).absolute().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))

from portal.dev.seaweed import free_port, start_seaweed  # noqa: E402
from portal.integrations.object_store import _TRANSFER_CONFIG, make_client  # noqa: E402

ACCESS_KEY, SECRET_KEY = "bench-access", "bench-secret-key"
EMAIL, PASSWORD = "bench@example.org", "bench password for uploads"
BUCKET = "bench-documents"


def big_pdf(path: Path, size: int) -> None:
    """A working PDF of exactly `size` bytes (catalog, one page, cross-reference table) whose
    page's content stream is random bytes: the portal parses every upload as a PDF reader
    would, so the file must be a real one."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
    ]

    def parts(length: int) -> tuple[bytes, bytes]:
        head = b"%PDF-1.4\n"
        offsets = []
        for number, body in enumerate(objects, start=1):
            offsets.append(len(head))
            head += b"%d 0 obj\n%s\nendobj\n" % (number, body)
        offsets.append(len(head))
        head += b"4 0 obj\n<< /Length %d >>\nstream\n" % length
        xref_at = len(head) + length + len(b"\nendstream\nendobj\n")
        tail = b"\nendstream\nendobj\nxref\n0 5\n0000000000 65535 f \n"
        tail += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
        tail += b"trailer\n<< /Size 5 /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % xref_at
        return head, tail

    length = size
    for _ in range(10):  # the lengths' digits move the offsets: settle on a fixed point
        head, tail = parts(length)
        if len(head) + length + len(tail) == size:
            break
        length = size - len(head) - len(tail)
    with path.open("wb") as out:
        out.write(head)
        remaining = length
        while remaining:
            chunk = min(remaining, 1024 * 1024)
            out.write(os.urandom(chunk))
            remaining -= chunk
        out.write(tail)
    assert path.stat().st_size == size, path.stat().st_size


def prepare(env: dict[str, str]) -> None:
    """Migrate the database, create the bucket and a provider with an organisation."""
    os.environ.update(env)
    from portal import create_app
    from portal.accounts.models import User
    from portal.accounts.passwords import hash_password
    from portal.core import migrations
    from portal.core.db import db
    from portal.core.extensions import object_store
    from portal.core.time import utcnow
    from portal.organisations.models import OWNER, Membership, Organisation

    app = create_app()
    with app.app_context():
        migrations.upgrade()
        object_store.ensure_bucket()
        user = User(
            email=EMAIL,
            full_name="Bench Provider",
            password_hash=hash_password(PASSWORD),
            email_verified_at=utcnow(),
        )
        db.session.add(user)
        db.session.flush()
        organisation = Organisation(
            legal_name="Bench Ltd",
            legal_form="company",
            company_number="01234567",
            address_line_1="1 Bench Street",
            town="Dudley",
            postcode="DY1 1AA",
            phone="01384 000000",
            contact_name="Bench",
            contact_email=EMAIL,
        )
        organisation.memberships.append(Membership(user_id=user.id, role=OWNER))
        db.session.add(organisation)
        db.session.commit()
        object_store.close(app)
        db.engine.dispose()


class Browser:
    """Just enough of a browser: a cookie, the CSRF token, multipart bodies streamed from disk."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookie = ""

    def request(self, method: str, path: str, body=None, headers=None):
        # Sent in 1 MB blocks, as a browser or boto3 would (http.client's default of 8 KB makes
        # 3,200 Python round trips of the bench's own for 25 MB, counted against the portal).
        connection = http.client.HTTPConnection(
            "127.0.0.1", self.port, timeout=120, blocksize=1024 * 1024
        )
        headers = dict(headers or {})
        if self.cookie:
            headers["Cookie"] = self.cookie
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        data = response.read()
        cookie = response.getheader("Set-Cookie")
        if cookie:
            self.cookie = cookie.split(";", 1)[0]
        connection.close()
        return response.status, response.getheader("Location"), data.decode("utf-8", "replace")

    @staticmethod
    def hidden(page: str, name: str) -> str:
        return re.search(rf'name="{name}" type="hidden" value="([^"]*)"', page)[1]

    def sign_in(self) -> None:
        _status, _location, page = self.request("GET", "/sign-in")
        form = {"csrf_token": self.hidden(page, "csrf_token"), "email": EMAIL, "password": PASSWORD}
        status, _location, _page = self.request(
            "POST",
            "/sign-in",
            urlencode(form),
            {"Content-Type": "application/x-www-form-urlencoded"},
        )
        assert status == 302, status

    def upload(self, organisation_id: int, path: Path) -> float:
        """Upload `path` as DBS evidence; seconds from the first byte sent to the answer."""
        url = f"/documents/organisations/{organisation_id}/upload?kind=dbs_evidence"
        _status, _location, page = self.request("GET", url)
        boundary = secrets.token_hex(16)
        fields = {
            "csrf_token": self.hidden(page, "csrf_token"),
            "submission_id": self.hidden(page, "submission_id"),
        }
        head = "".join(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
            for name, value in fields.items()
        )
        head += (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
            f'filename="{path.name}"\r\nContent-Type: application/pdf\r\n\r\n'
        )
        tail = f"\r\n--{boundary}--\r\n".encode()
        size = len(head.encode()) + path.stat().st_size + len(tail)
        with path.open("rb") as file:
            body = _Concatenated([io.BytesIO(head.encode()), file, io.BytesIO(tail)])
            started = time.perf_counter()
            status, location, page = self.request(
                "POST",
                url,
                body,
                {
                    "Content-Type": f"multipart/form-data; boundary={boundary}",
                    "Content-Length": str(size),
                },
            )
            elapsed = time.perf_counter() - started
        problems = re.findall(r"govuk-error-summary__list.*?</ul>", page, re.S)
        assert status == 302, (status, [re.sub(r"<[^>]+>|\s+", " ", p).strip() for p in problems])
        return elapsed


class _Concatenated(io.RawIOBase):
    def __init__(self, parts) -> None:
        self.parts = list(parts)

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        while self.parts:
            data = self.parts[0].read(size if size > 0 else 64 * 1024)
            if data:
                return data
            self.parts.pop(0)
        return b""


def memory_kib(pid: int, field: str) -> int:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(rf"^{field}:\s+(\d+) kB", status, re.M)[1])


def worker_of(master: int) -> int:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
        if children:
            return int(children[0])
        time.sleep(0.1)
    raise RuntimeError("gunicorn started no worker")


def wait_for(port: int) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError("the portal did not start")


def boto3_upload(client, path: Path, config) -> float:
    key = f"bench/{secrets.token_hex(16)}"
    with path.open("rb") as file:
        started = time.perf_counter()
        client.upload_fileobj(
            file, BUCKET, key, ExtraArgs={"ContentType": "application/pdf"}, Config=config
        )
        return time.perf_counter() - started


def production_env(tmp: Path, port: int, store, database_url: str, max_mb: int) -> dict[str, str]:
    """Settings as production requires them (portal/config.py), on this machine."""
    from cryptography.fernet import Fernet

    return {
        "PORTAL_ENV": "production",
        "DEMO_MODE": "off",
        "SECRET_KEY": secrets.token_urlsafe(48),
        "DATABASE_URL": database_url,
        "BASE_URL": "https://bench.example.org",
        "S3_ENDPOINT_URL": store.endpoint_url,
        "S3_BUCKET": BUCKET,
        "S3_ACCESS_KEY_ID": ACCESS_KEY,
        "S3_SECRET_ACCESS_KEY": SECRET_KEY,
        "MAIL_BACKEND": "smtp",
        "MAIL_FROM": "bench@example.org",
        "SUPPORT_EMAIL": "bench-support@example.org",
        "STAFF_EMAIL_DOMAINS": "council.bench.example.org",
        "WEB_CONCURRENCY": "1",  # one sync worker, so rate limits may stay in its memory
        "SMTP_HOST": "127.0.0.1",
        "OCDS_PREFIX": "ocds-bench0",
        "MAIL_DIR": str(tmp / "mail"),
        "MAX_UPLOAD_MB": str(max_mb),
        "STAFF_CHECK_ENCRYPTION_KEY": Fernet.generate_key().decode(),
        "CLAMD_SOCKET": "",
        "CLAMD_HOST": "",
        "ALLOW_UNSCANNED_FILES": "true",  # measured without a scanner
    }


def measure(sizes_mb=(1, 25), runs: int = 5, database_url: str | None = None) -> dict:
    """Upload each size through the portal and with boto3 alone: the figures, per size."""
    results: dict[str, dict] = {}
    with tempfile.TemporaryDirectory(prefix="upload-bench-") as tmp:
        tmp = Path(tmp)
        store = start_seaweed(tmp / "s3", ACCESS_KEY, SECRET_KEY)
        port = free_port()
        env = production_env(
            tmp, port, store, database_url or f"sqlite:///{tmp / 'portal.db'}", max(sizes_mb)
        )
        saved = {k: os.environ.get(k) for k in env}
        gunicorn = None
        try:
            prepare(env)
            small = tmp / "small.pdf"
            big_pdf(small, 64 * 1024)
            gunicorn = subprocess.Popen(  # noqa: S603 - our own venv's gunicorn
                [
                    str(Path(sys.executable).parent / "gunicorn"),
                    "wsgi:app",
                    "--workers=1",
                    f"--bind=127.0.0.1:{port}",
                    "--timeout=120",
                ],
                cwd=PROJECT_ROOT,
                env={**os.environ, **env},
                stdout=subprocess.DEVNULL,
                stderr=(tmp / "gunicorn.log").open("wb"),
            )
            wait_for(port)
            worker = worker_of(gunicorn.pid)
            browser = Browser(port)
            browser.sign_in()
            organisation_id = 1
            browser.upload(organisation_id, small)  # warm up: imports, connections, caches
            s3 = make_client(
                endpoint_url=store.endpoint_url,
                access_key=ACCESS_KEY,
                secret_key=SECRET_KEY,
                region="us-east-1",
            )
            for mb in sizes_mb:
                path = tmp / f"{mb}mb.pdf"
                big_pdf(path, mb * 1024 * 1024)
                Path(f"/proc/{worker}/clear_refs").write_text("5")  # reset the peak (VmHWM)
                before = memory_kib(worker, "VmRSS")
                browser.upload(organisation_id, path)
                peak = memory_kib(worker, "VmHWM")
                portal_times, boto3_times = [], []
                for _ in range(runs):
                    portal_times.append(browser.upload(organisation_id, path))
                    boto3_times.append(boto3_upload(s3, path, _TRANSFER_CONFIG))
                portal_time = statistics.median(portal_times)
                boto3_time = statistics.median(boto3_times)
                results[f"{mb}MB"] = {
                    "mb": mb,
                    "runs": runs,
                    "rss_before_mb": round(before / 1024, 1),
                    "rss_peak_mb": round(peak / 1024, 1),
                    "rss_growth_mb": round((peak - before) / 1024, 1),
                    "portal_mb_per_s": round(mb / portal_time, 1),
                    "boto3_mb_per_s": round(mb / boto3_time, 1),
                    "portal_seconds": round(portal_time, 3),
                    "boto3_seconds": round(boto3_time, 3),
                    "portal_over_boto3": round(boto3_time / portal_time, 2),
                }
            s3.close()
        finally:
            if gunicorn is not None:
                gunicorn.terminate()
                gunicorn.wait(30)
            store.stop()
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--mb", type=int, nargs="+", default=[1, 25])
    args = parser.parse_args()
    for size, figures in measure(args.mb, args.runs).items():
        print(f"Upload of a {size} PDF to one gunicorn sync worker; {args.runs} uploads each way")
        print(f"  worker RSS before the upload:   {figures['rss_before_mb']:7.1f} MB")
        print(
            f"  worker peak RSS during it:      {figures['rss_peak_mb']:7.1f} MB  "
            f"(+{figures['rss_growth_mb']:.1f} MB)"
        )
        print(
            f"  through the portal:             {figures['portal_mb_per_s']:7.1f} MB/s "
            f"({figures['portal_seconds']:.2f} s)"
        )
        print(
            f"  boto3 alone, same store/config: {figures['boto3_mb_per_s']:7.1f} MB/s "
            f"({figures['boto3_seconds']:.2f} s)"
        )
        print(f"  portal / boto3:                 {figures['portal_over_boto3']:7.2f}")


if __name__ == "__main__":
    main()
