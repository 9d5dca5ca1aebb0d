"""The library pages: what they show, in which language, and with how many queries."""

from __future__ import annotations

import pytest
import yaml
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext

from spaceforchange.frameworks import services
from spaceforchange.frameworks.domain import checksum_of
from spaceforchange.frameworks.loader import parse_pack
from tests.factories import make_pack, pack_data, pack_yaml
from tests.web.frameworks.conftest import soup, texts

pytestmark = pytest.mark.django_db


def library_rows(response) -> dict[str, list[str]]:
    return {
        row["data-key"]: texts(row.find_all(["th", "td"]))
        for row in soup(response).select("table.sfc-library tbody tr[data-key]")
    }


def test_library_lists_every_framework_with_name_summary_provenance_version_and_ownership(org, packs):
    services.create_override(organization=org.organization, key="web_pack")
    response = org.client("member").get(org.url("library"))
    assert response.status_code == 200
    rows = library_rows(response)
    assert rows["web_base"][:4] == [
        "Framework web_base",
        "A framework used in tests.",
        "Provenance: Working model",
        "1.0.0 (#1)",
    ]
    assert rows["web_base"][5] == "Shipped"
    assert rows["web_pack"][5] == "Overridden by your organisation"
    link = soup(response).select_one("tr[data-key=web_pack] th a")
    assert link["href"] == org.url("framework", key="web_pack")


def test_library_search_and_kind_filter(org, packs):
    beta = pack_data("web_zebra")
    beta["items"] = beta["items"][:2]
    beta["framework"]["name"] = {"en": "Zebra crossing", "nb": "Fotgjengerfelt"}
    make_pack(data=beta)
    client = org.client("member")
    assert set(library_rows(client.get(org.url("library"), {"q": "zebra"}))) == {"web_zebra"}
    filtered = set(library_rows(client.get(org.url("library"), {"kind": "warning_rule"})))
    assert {"web_base", "web_pack"} <= filtered and "web_zebra" not in filtered
    page = soup(client.get(org.url("library"), {"kind": "practice"}))
    assert page.select_one("select[name=kind] option[selected]")["value"] == "practice"
    assert page.select_one("label[for=id_q]").get_text(strip=True) == "Search"


def test_library_rejects_an_unknown_kind_with_a_message(org, packs):
    response = org.client("member").get(org.url("library"), {"kind": "gizmo"})
    assert response.status_code == 200
    assert soup(response).select(".usa-error-message")
    assert {"web_base", "web_pack"} <= set(library_rows(response))


def test_library_shows_norwegian_texts_when_asked(org, packs):
    response = org.client("member").get(org.url("library"), HTTP_ACCEPT_LANGUAGE="nb")
    assert library_rows(response)["web_base"][:2] == ["Rammeverk web_base", "Et rammeverk brukt i tester."]


def query_count(client, url) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


def test_library_queries_do_not_grow_with_the_number_of_packs(org, packs):
    client = org.client("member")
    client.get(org.url("library"))  # warm the session
    caches["fragments"].clear()  # count the queries of a render, not of a cached listing
    few = query_count(client, org.url("library"))
    for number in range(6):
        make_pack(f"web_more_{number}", organization=org.organization if number % 2 else None)
    caches["fragments"].clear()
    assert query_count(client, org.url("library")) == few
    assert few <= 10


def test_cached_library_listing_shows_a_new_version_at_once(org, packs):
    client = org.client("member")
    first = soup(client.get(org.url("library")))
    assert "web_more" not in first.get_text()
    make_pack("web_more", organization=org.organization)
    services.create_override(organization=org.organization, key="web_pack")
    again = soup(client.get(org.url("library")))
    keys = [row["data-key"] for row in again.select("tr[data-key]")]
    assert "web_more" in keys
    overridden = again.select_one('tr[data-key="web_pack"] .sfc-overridden')
    assert overridden is not None


def test_framework_page_queries_do_not_grow_with_links_and_packs(org, packs):
    client = org.client("member")
    url = org.url("framework", key="web_pack")
    client.get(url)
    few = query_count(client, url)
    for number in range(5):
        make_pack(data=pack_data(f"web_more_{number}", links=["web_pack:room", "web_base:openness"]))
    services.create_override(organization=org.organization, key="web_pack")
    assert query_count(client, url) == few
    assert few <= 10


def test_framework_page_groups_items_by_kind_in_order_with_provenance_badges(org, packs):
    page = soup(org.client("member").get(org.url("framework", key="web_pack")))
    assert texts(page.select("section.sfc-kind > h2")) == ["Dimensions", "Practices", "Warning rules"]
    dimensions = page.select("#kind-dimension ~ ul .sfc-item")
    assert [item["data-key"] for item in dimensions] == ["room", "openness"]
    room = page.select_one("#item-room")
    badge = room.select_one(".sfc-provenance")
    assert badge.get_text(" ", strip=True) == "Provenance: Source text"
    assert badge["title"] == "Stated in the source articles."
    assert room.select_one(".sfc-description").get_text(strip=True) == "How much room rules leave."
    practice = page.select_one("#item-open_dialogue")
    assert texts(practice.select(".sfc-checklist li")) == ["Invite early"]
    links = practice.select(".sfc-links a")
    assert [link["href"] for link in links] == [
        "/o/northbay/frameworks/web_pack/items/room/",
        "/o/northbay/frameworks/web_base/items/room/",
    ]
    assert texts(practice.select(".sfc-ref-pack")) == ["(Framework web_base)"]
    rule = page.select_one("#item-too_closed")
    assert texts(rule.select(".sfc-thresholds tbody tr")[0].find_all(["th", "td"])) == [
        "days",
        "30 days",
        "Days without dialogue",
    ]
    assert rule.select_one(".sfc-answered-by a")["href"].endswith("/web_pack/items/open_dialogue/")
    assert page.select_one("#provenance-legend")


def test_framework_page_shows_instrument_statements_by_dimension_with_reverse_wording_marked(org, packs):
    page = soup(org.client("member").get(org.url("framework", key="web_pack")))
    scan = page.select_one("#instrument-scan")
    tables = scan.select("table.sfc-statements")
    assert [table["data-dimension"] for table in tables] == ["room", "openness"]
    rows = {row["data-key"]: row for row in scan.select("tbody tr")}
    assert rows["r2"].select_one(".sfc-reverse").get_text(strip=True) == "Reverse-worded"
    assert rows["r1"].select_one(".sfc-reverse") is None
    assert texts(rows["o2"].find_all("td"))[3] == "No"
    assert "1 = Disagree" in scan.select_one(".sfc-scale").get_text()


def test_framework_page_in_norwegian(org, packs):
    page = soup(org.client("member").get(org.url("framework", key="web_pack"), HTTP_ACCEPT_LANGUAGE="nb"))
    assert page.h1.get_text(strip=True) == "Rammeverk web_pack"
    assert page.select_one("#item-room h3").get_text(" ", strip=True) == "1. Rom"
    assert texts(page.select("#instrument-scan tr[data-key=r2] td"))[1] == "Reglene stopper oss."


def test_an_old_version_stays_readable_and_says_so(org, packs):
    old = packs["web_pack"]
    make_pack(data=pack_data("web_pack", version="2.0.0", links=["web_base:room"]))
    response = org.client("member").get(org.url("version", key="web_pack", version_id=old.pk))
    page = soup(response)
    assert response.status_code == 200
    assert "version #1" in page.select_one(".usa-alert--warning").get_text()
    assert "1.0.0 (#1" in page.select_one(".sfc-pack-facts").get_text()


def test_item_page_shows_children_statements_and_who_refers_to_it(org, packs):
    client = org.client("member")
    page = soup(client.get(org.url("item", key="web_pack", item_key="openness")))
    assert page.h1.get_text(strip=True) == "Openness"
    assert texts(page.select(".sfc-children a")) == ["Open dialogue"]
    assert [row["data-key"] for row in page.select(".sfc-statements tbody tr")] == ["o1", "o2"]
    room = soup(client.get(org.url("item", key="web_base", item_key="room")))
    referrers = room.select(".sfc-referred-by a")
    assert [(a.get_text(strip=True), a["href"]) for a in referrers] == [
        ("Open dialogue", "/o/northbay/frameworks/web_base/items/open_dialogue/"),
        ("Open dialogue", "/o/northbay/frameworks/web_pack/items/open_dialogue/"),
    ]


def test_unknown_framework_item_and_version_give_404(org, packs):
    client = org.client("member")
    assert client.get(org.url("framework", key="no_such_pack")).status_code == 404
    assert client.get(org.url("item", key="web_pack", item_key="nothing")).status_code == 404
    assert client.get(org.url("version", key="web_pack", version_id=packs["web_base"].pk)).status_code == 404
    assert client.get(org.url("version", key="web_pack", version_id=999999)).status_code == 404


def test_versions_page_lists_own_and_shipped_versions(org, packs):
    services.save_override_version(
        organization=org.organization,
        key="web_pack",
        text=pack_yaml(data=pack_data("web_pack", version="1.5.0", links=["web_base:room"])),
    )
    client = org.client("member")
    page = soup(client.get(org.url("versions", key="web_pack")))
    captions = texts(page.select("table.sfc-versions caption"))
    assert captions == ["Your organisation's versions", "Shipped versions"]
    own_rows = page.select("table.sfc-versions")[0].select("tbody tr")
    assert texts(own_rows[0].find_all(["th", "td"]))[:3] == ["#1 In use", "1.5.0", "Edited"]
    assert page.select_one("form.sfc-compare-form select[name=old]")
    assert not page.select("a[download]")  # a plain member may not export


def test_compare_shows_changes_side_by_side(org, packs):
    data = pack_data("web_pack", version="1.1.0", links=["web_base:room"])
    data["items"][0]["name"]["en"] = "Openness to ideas"
    del data["items"][3]
    data["instruments"][0]["statements"][1]["reverse"] = False
    new = services.save_override_version(
        organization=org.organization, key="web_pack", text=pack_yaml(data=data)
    ).version
    client = org.client("member")
    response = client.get(org.url("compare", key="web_pack"), {"old": packs["web_pack"].pk, "new": new.pk})
    page = soup(response)
    entries = {entry["data-key"]: entry for entry in page.select(".sfc-entry-change")}
    assert entries["openness"]["data-status"] == "changed"
    row = entries["openness"].select_one("tr[data-field='name.en']")
    assert texts(row.find_all(["th", "td"])) == ["name.en", "Openness", "Openness to ideas"]
    assert entries["too_closed"]["data-status"] == "removed"
    assert entries["r2"].select_one("tr[data-field=reverse]").select_one("del").get_text() == "true"
    assert page.select_one("tr[data-field=version] ins").get_text() == "1.1.0"
    default = soup(client.get(org.url("compare", key="web_pack")))  # no choice: shipped against the override
    assert default.select_one("select[name=old] option[selected]")["value"] == str(packs["web_pack"].pk)


def test_compare_of_identical_versions_says_so(org, packs):
    version = packs["web_pack"].pk
    page = soup(org.client("member").get(org.url("compare", key="web_pack"), {"old": version, "new": version}))
    assert "same content" in page.select_one(".usa-alert--info").get_text()


def test_compare_with_bad_or_foreign_ids_gives_404(org, other_org, packs):
    theirs = make_pack(
        "web_pack",
        organization=other_org.organization,
        data=pack_data("web_pack", version="3.0.0", links=["web_base:room"]),
    )
    client = org.client("member")
    mine = packs["web_pack"].pk
    assert client.get(org.url("compare", key="web_pack"), {"old": mine, "new": theirs.pk}).status_code == 404
    assert client.get(org.url("compare", key="web_pack"), {"old": mine, "new": "x"}).status_code == 404
    assert client.get(org.url("compare", key="web_pack"), {"old": mine, "new": packs["web_base"].pk}).status_code == 404


def test_edit_page_offers_the_current_yaml(org, packs):
    response = org.client("admin").get(org.url("edit", key="web_pack"))
    textarea = soup(response).select_one("textarea[name=text]")
    assert soup(response).select_one(f"label[for={textarea['id']}]")
    data = yaml.safe_load(textarea.get_text())
    assert data["key"] == "web_pack"
    assert checksum_of(parse_pack("x", textarea.get_text())[0].pack) == packs["web_pack"].checksum


def test_saving_an_edit_creates_the_override_for_this_organisation_only(org, other_org, packs):
    data = pack_data("web_pack", links=["web_base:room"])
    data["items"][1]["name"]["en"] = "Room to move"
    response = org.client("admin").post(org.url("edit", key="web_pack"), {"text": pack_yaml(data=data)})
    assert response.status_code == 302 and response["Location"] == org.url("versions", key="web_pack")
    follow = org.client("admin").get(org.url("framework", key="web_pack"))
    assert soup(follow).select_one("#item-room h3").get_text(" ", strip=True) == "1. Room to move"
    theirs = other_org.client("admin").get(other_org.url("framework", key="web_pack"))
    assert soup(theirs).select_one("#item-room h3").get_text(" ", strip=True) == "1. Room"


def test_a_bad_edit_lists_every_error_with_its_path_and_saves_nothing(org, packs):
    from spaceforchange.frameworks.models import PackVersion

    data = pack_data("web_pack", links=["web_base:room"])
    data["items"][0]["kind"] = "gizmo"
    del data["items"][1]["name"]["nb"]
    before = PackVersion.objects.count()
    response = org.client("admin").post(org.url("edit", key="web_pack"), {"text": pack_yaml(data=data)})
    assert response.status_code == 400
    rows = [texts(row.find_all("td")) for row in soup(response).select("#pack-errors tr.sfc-pack-error")]
    assert {row[1] for row in rows} == {"items.0.kind", "items.1.name.nb"}
    assert all(row[2].isdigit() for row in rows)
    assert "kind: gizmo" in soup(response).select_one("textarea").get_text()  # the text is kept for fixing
    assert PackVersion.objects.count() == before


def test_an_empty_edit_is_a_form_error(org, packs):
    response = org.client("admin").post(org.url("edit", key="web_pack"), {"text": ""})
    assert response.status_code == 400
    assert soup(response).select(".usa-error-message")


def upload(name: str, content: str | bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(
        name, content.encode() if isinstance(content, str) else content, content_type="application/yaml"
    )


def test_import_page_imports_valid_files(org, packs):
    client = org.client("admin")
    assert soup(client.get(org.url("import"))).select_one("input[type=file][multiple]")
    response = client.post(
        org.url("import"),
        {"packs": [upload("a.yaml", pack_yaml("web_new_a")), upload("b.yaml", pack_yaml("web_new_b"))]},
    )
    assert response.status_code == 302
    rows = library_rows(client.get(org.url("library")))
    assert rows["web_new_a"][5] == "Your organisation's pack"
    assert "web_new_b" in rows


def test_a_bad_upload_is_refused_with_clear_errors_and_nothing_changes(org, packs):
    from spaceforchange.frameworks.models import FrameworkPack, PackVersion

    before = (FrameworkPack.objects.count(), PackVersion.objects.count())
    client = org.client("admin")
    files = [
        upload("good.yaml", pack_yaml("web_new_a")),
        upload("bad.yaml", "key: [oops\n"),
        upload("bin.yaml", b"\xff\xfe\x00"),
    ]
    response = client.post(org.url("import"), {"packs": files})
    assert response.status_code == 400
    rows = [texts(row.find_all("td")) for row in soup(response).select("tr.sfc-pack-error")]
    assert [(row[0], row[2]) for row in rows] == [("bad.yaml", "2"), ("bin.yaml", "")]
    assert "YAML syntax error" in rows[0][3] and "not UTF-8" in rows[1][3]
    assert (FrameworkPack.objects.count(), PackVersion.objects.count()) == before


def test_an_oversized_upload_is_refused_and_the_other_files_still_checked(org, packs, settings):
    settings.SFC_MAX_PACK_BYTES = 3000
    bad = pack_data("web_new_b")
    bad["items"][0]["kind"] = "gizmo"
    files = [upload("big.yaml", "#" * 5000), upload("b.yaml", pack_yaml(data=bad))]
    response = org.client("admin").post(org.url("import"), {"packs": files})
    assert response.status_code == 400
    rows = [texts(row.find_all("td")) for row in soup(response).select("tr.sfc-pack-error")]
    assert [(row[0], row[1]) for row in rows] == [("big.yaml", "—"), ("b.yaml", "items.0.kind")]
    assert "5000 bytes" in rows[0][3]


def test_an_import_without_a_file_is_a_form_error(org):
    response = org.client("admin").post(org.url("import"), {})
    assert response.status_code == 400
    assert soup(response).select(".usa-error-message")


def test_export_downloads_yaml_that_reimports_to_the_same_content(org, packs):
    response = org.client("innovation_lead").get(org.url("export", version_id=packs["web_pack"].pk))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/yaml; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="web_pack-v1.yaml"'
    loaded, errors = parse_pack("export.yaml", response.content)
    assert errors == [] and checksum_of(loaded.pack) == packs["web_pack"].checksum


def test_export_of_an_override_names_the_organisation(org, packs):
    version = services.create_override(organization=org.organization, key="web_pack")
    response = org.client("admin").get(org.url("export", version_id=version.pk))
    assert response["Content-Disposition"] == 'attachment; filename="web_pack-northbay-v1.yaml"'


def test_anonymous_visitors_are_sent_to_sign_in(org, packs):
    from django.test import Client

    response = Client().get(org.url("library"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
