"""The dashboard's disabled-share bars: classes in 5 % steps, numbers in words beside them."""

from mailadmin.views import Tally


def test_the_disabled_share_rounds_to_five_percent_steps():
    assert Tally("Aliases", "aliases:list", 0, 0).disabled_step == 0
    assert Tally("Aliases", "aliases:list", 10, 0).disabled_step == 0
    assert Tally("Aliases", "aliases:list", 1000, 1).disabled_step == 5
    assert Tally("Aliases", "aliases:list", 4, 1).disabled_step == 25
    assert Tally("Aliases", "aliases:list", 3, 3).disabled_step == 100
    assert Tally("Aliases", "aliases:list", 3, 1).enabled == 2


def test_the_dashboard_draws_a_bar_per_table(su_client, guide_data):
    content = su_client.get("/").content.decode()
    assert content.count('class="progress share-bar') == 3
    assert "enabled ·" in content and "style=" not in content
