"""Server time and query count of every list, search, domain and audit page.

    DATABASE_URL=mysql://root@127.0.0.1:3306/mailbench python bench/pages.py --seed full
    DATABASE_URL=... python bench/pages.py --seed 1k --requests 20

Requests go through Django's test client in-process, so the figure is the server's time
to answer (routing, queries, templates), without network or a browser. `--seed` reseeds
the database with bench/seed.py first (`1k`: 100 domains, 500 mailboxes, 1,000 aliases;
`full`: 20,000 / 200,000 / 1,000,000); without it the data already there is used.
"""

import argparse
import time

from _setup import django_setup, percentile

SIZES = {
    "1k": {"domains": 100, "mailboxes": 500, "aliases": 1_000},
    "full": {"domains": 20_000, "mailboxes": 200_000, "aliases": 1_000_000},
}


AFTER_A_CHANGE = "findings, after a change"  # every request follows a change to one alias


def pages(domain: str, mailbox: str) -> dict[str, str]:
    return {
        "dashboard": "/",
        "domain list": "/domains/",
        "domain search": "/domains/?q=d00001",
        "domain list, last page": "/domains/?page=last",
        "domain page": f"/domains/{domain}/",
        "mailbox list": "/domains/mailboxes/",
        "mailbox search": "/domains/mailboxes/?q=user0001",
        "mailbox list, most full": "/domains/mailboxes/?sort=-usage",
        "alias list": "/aliases/",
        "alias search, broad": "/aliases/?q=fwd00001",
        "alias search, address": f"/aliases/?q=fwd00000@{domain}",
        "aliases of a domain": f"/aliases/?domain={domain}",
        "alias audit": "/audit/",
        "alias audit, disabled": "/audit/?state=disabled",
        "findings": "/audit/findings/",
        AFTER_A_CHANGE: "/audit/findings/",
        "history": "/audit/history/",
        "trace": f"/audit/trace/?address={mailbox}",
    }


def bench_domain() -> str:
    """The domain the domain pages show: one with a mailbox and a disabled alias, so that
    no page is empty at one size and full at the other."""
    from aliases.models import Alias
    from domains.models import Domain, Mailbox

    for name in Domain.objects.order_by("domain").values_list("domain", flat=True)[1:200]:
        disabled = Alias.objects.filter(domain_name=name, enabled=False).exists()
        if disabled and Mailbox.objects.filter(domain_name=name).exists():
            return name
    raise SystemExit("no domain with a mailbox and a disabled alias: seed more rows")


def users(domains: list[str]):
    from django.contrib.auth.models import User

    from accounts.models import DomainAssignment
    from domains.models import Domain

    superuser, _ = User.objects.get_or_create(
        username="bench-super", defaults={"is_staff": True, "is_superuser": True}
    )
    admin, _ = User.objects.get_or_create(username="bench-admin", defaults={"is_staff": True})
    DomainAssignment.objects.filter(user=admin).delete()
    DomainAssignment.objects.bulk_create(
        DomainAssignment(user=admin, domain=d) for d in Domain.objects.filter(domain__in=domains)
    )
    return {"superuser": superuser, "domain admin": admin}


def change_one_alias(domain: str):
    """A callable that changes one alias's destination, differently each time (outside the
    panel, as a script would), so that no view finds what an earlier one computed."""
    import uuid

    from aliases.models import Alias

    mail = Alias.objects.filter(domain_name=domain).values_list("mail", flat=True)[0]
    return lambda: Alias.objects.filter(mail=mail).update(
        destination=f"bench-{uuid.uuid4().hex[:12]}@elsewhere.example"
    )


def measure(client, url: str, requests: int, before=None) -> tuple[float, float, int, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    before = before or (lambda: None)
    for _ in range(2):
        before()
        client.get(url)
    samples = []
    for _ in range(requests):
        before()
        started = time.perf_counter()
        response = client.get(url)
        samples.append((time.perf_counter() - started) * 1000)
    before()
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    return percentile(samples, 0.5), percentile(samples, 0.95), len(queries), response.status_code


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", choices=sorted(SIZES))
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--only", help="substring of the page names to run")
    args = parser.parse_args()
    django_setup()
    from django.conf import settings
    from django.test import Client

    from aliases.models import Alias
    from domains.models import Domain, Mailbox

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    if args.seed:
        from seed import seed

        print("seeded", seed(**SIZES[args.seed]))
    domain = bench_domain()
    mailbox = Mailbox.objects.filter(domain_name=domain).values_list("address", flat=True)[0]
    size = (Domain.objects.count(), Mailbox.objects.count(), Alias.objects.count())
    print(
        f"{size[0]:,} domains, {size[1]:,} mailboxes, {size[2]:,} aliases; "
        f"{args.requests} requests per page ({settings.DATABASES['default']['ENGINE']})"
    )
    print(f"{'page':28} {'role':13} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8} status")
    for role, user in users([domain]).items():
        client = Client()
        client.force_login(user)
        for name, url in pages(domain, mailbox).items():
            if args.only and args.only not in name:
                continue
            before = change_one_alias(domain) if name == AFTER_A_CHANGE else None
            p50, p95, queries, status = measure(client, url, args.requests, before)
            print(f"{name:28} {role:13} {p50:8.1f} {p95:8.1f} {queries:8d} {status}")


if __name__ == "__main__":
    main()
