"""A mailbox moved with its old hash logs in with the real Courier and Dovecot at once."""

import pytest

from tests.bulk.conftest import OLD_HASHES, OLD_PASSWORD, csv_text, run_import

pytestmark = pytest.mark.mailstack


def test_mailboxes_imported_with_pre_hashed_passwords_log_in_with_courier_and_dovecot(stack):
    rows = [{"kind": "domain", "address": "moved.test"}]
    rows += [
        {"kind": "mailbox", "address": f"{scheme.replace('_', '-')}@moved.test", "crypt": crypt}
        for scheme, crypt in OLD_HASHES.items()
    ]
    report = run_import(csv_text(rows))
    assert report.ok, report.errors

    for scheme in OLD_HASHES:
        address = f"{scheme.replace('_', '-')}@moved.test"
        password = OLD_PASSWORD[:8] if scheme == "des_crypt" else OLD_PASSWORD
        courier = stack.courier_auth(address, password)
        dovecot = stack.dovecot_auth(address, password)
        assert (courier.ok, dovecot.ok) == (True, True), (scheme, courier, dovecot)
        assert stack.courier_auth(address, "Not-" + password).ok is False
        assert stack.dovecot_auth(address, "Not-" + password).ok is False
