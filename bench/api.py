"""Server time and query count of the API's lists, reads and writes, per role.

    DATABASE_URL=mysql://root@127.0.0.1:3306/mailadmin_api python bench/api.py --seed full
    DATABASE_URL=... python bench/api.py --seed 1k --requests 20

As bench/pages.py: Django's test client in-process (the server's time to answer, without
network), on data seeded by bench/seed.py (`1k` or `full`: 20,000 domains, 200,000
mailboxes, 1,000,000 aliases). Writes create rows named bench-api-*, removed at the end.
"""

import argparse
import json
import time
import uuid

from _setup import django_setup, percentile
from pages import SIZES, bench_domain, users


def page_after(mail: str) -> str:
    """The alias list's page after `mail`, its link written by the API's own paginator."""
    from rest_framework.pagination import Cursor

    from api.v1.pagination import KeysetPagination

    paginator = KeysetPagination("mail")
    paginator.base_url = "/api/v1/aliases/"
    return paginator.encode_cursor(Cursor(offset=0, reverse=False, position=mail))


def reads(domain: str, mailbox: str, middle: str) -> dict[str, str]:
    return {
        "domain list": "/api/v1/domains/",
        "mailbox list": "/api/v1/mailboxes/",
        "alias list": "/api/v1/aliases/",
        "alias list, 1000 rows": "/api/v1/aliases/?limit=1000",
        "alias list, a middle page": middle,
        "aliases of a domain": f"/api/v1/aliases/?domain={domain}",
        "alias prefix search": "/api/v1/aliases/?prefix=fwd00001",
        "catch-alls": "/api/v1/aliases/?kind=catch-all",
        "mailbox": f"/api/v1/mailboxes/{mailbox}/",
        "trace": f"/api/v1/trace/?address={mailbox}",
        "history": "/api/v1/history/",
    }


def timed(call, requests: int) -> tuple[float, float, int, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(2):
        call()
    samples = []
    for _ in range(requests):
        started = time.perf_counter()
        response = call()
        samples.append((time.perf_counter() - started) * 1000)
    with CaptureQueriesContext(connection) as queries:
        response = call()
    return percentile(samples, 0.5), percentile(samples, 0.95), len(queries), response.status_code


def bench_role(client, role: str, domain: str, mailbox: str, middle: str, requests: int):
    def create():
        body = {"mail": f"bench-api-{uuid.uuid4().hex[:10]}@{domain}", "destination": mailbox}
        return client.post("/api/v1/aliases/", json.dumps(body), "application/json")

    def put():
        body = json.dumps({"destination": mailbox})
        return client.put(f"/api/v1/aliases/bench-api-put@{domain}/", body, "application/json")

    calls = {
        name: (lambda url=url: client.get(url))
        for name, url in reads(domain, mailbox, middle).items()
    }
    calls |= {"alias create": create, "alias PUT, unchanged": put}
    for name, call in calls.items():
        p50, p95, queries, status = timed(call, requests)
        print(f"{name:28} {role:13} {p50:8.1f} {p95:8.1f} {queries:8d} {status}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", choices=sorted(SIZES))
    parser.add_argument("--requests", type=int, default=50)
    args = parser.parse_args()
    django_setup()
    from django.conf import settings
    from django.test import Client

    from aliases.models import Alias
    from api import tokens
    from api.models import ApiToken
    from audit.services import Actor
    from domains.models import Domain, Mailbox

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    settings.MAILADMIN_API_RATE = "1000000/min"
    if args.seed:
        from seed import seed

        print("seeded", seed(**SIZES[args.seed]))
    domain = bench_domain()
    mailbox = Mailbox.objects.filter(domain_name=domain).values_list("address", flat=True)[0]
    total = Alias.objects.count()
    middle = Alias.objects.order_by("mail").values_list("mail", flat=True)[total // 2]
    print(
        f"{Domain.objects.count():,} domains, {Mailbox.objects.count():,} mailboxes, "
        f"{total:,} aliases; {args.requests} requests each "
        f"({settings.DATABASES['default']['ENGINE']})"
    )
    print(f"{'request':28} {'role':13} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8} status")
    actor = Actor("bench")
    for role, user in users([domain]).items():
        created = tokens.create(user, "bench", actor=actor)
        client = Client(HTTP_AUTHORIZATION=f"Bearer {created.secret}")
        bench_role(client, role, domain, mailbox, page_after(middle), args.requests)
        ApiToken.objects.filter(pk=created.token.pk).delete()
    Alias.objects.filter(mail__startswith="bench-api-").delete()


if __name__ == "__main__":
    main()
