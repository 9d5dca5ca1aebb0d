"""The ``frameworks`` management command (``sfc frameworks``)."""

from __future__ import annotations

from io import StringIO

import pytest
import yaml
from django.core.management import call_command
from django.core.management.base import CommandError

from spaceforchange.frameworks import selectors
from spaceforchange.frameworks.models import FrameworkPack, PackVersion
from tests.factories import make_organization, make_pack, pack_data, pack_yaml

pytestmark = pytest.mark.django_db


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("frameworks", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_list_shows_key_name_version_and_provenance_counts():
    make_pack("cmd_alpha")
    out, _ = run("list")
    line = next(row for row in out.splitlines() if row.startswith("cmd_alpha "))
    assert "Framework cmd_alpha" in line
    assert "1.0.0 #1" in line
    assert "literature 1, source-text 1, working-model 2" in line


def test_list_for_an_organisation_marks_its_own_versions():
    make_pack("cmd_alpha")
    organization = make_organization()
    make_pack("cmd_alpha", organization=organization, data=pack_data("cmd_alpha", version="2.0.0"))
    out, _ = run("list", "--org", organization.slug)
    line = next(row for row in out.splitlines() if row.startswith("cmd_alpha "))
    assert "2.0.0 #1 *" in line


def test_show_prints_items_by_kind_and_statements_in_the_chosen_language():
    make_pack("cmd_alpha")
    out, _ = run("show", "cmd_alpha", "--lang", "nb")
    assert out.splitlines()[0] == "Rammeverk cmd_alpha (cmd_alpha) 1.0.0 #1 [working-model]"
    assert "dimension (2)" in out
    assert "Reglene stopper oss. (reverse)" in out
    assert out.index("  room ") < out.index("  openness ")


def test_show_of_an_unknown_pack_fails():
    with pytest.raises(CommandError, match="no framework 'nothing'"):
        run("show", "nothing")


def test_import_a_folder_into_the_global_library_then_again_changes_nothing(tmp_path):
    (tmp_path / "a.yaml").write_text(pack_yaml("cmd_alpha"))
    (tmp_path / "b.yaml").write_text(pack_yaml("cmd_beta"))
    out, _ = run("import", str(tmp_path))
    assert out.splitlines() == [
        f"{tmp_path}/a.yaml: cmd_alpha #1 (new version)",
        f"{tmp_path}/b.yaml: cmd_beta #1 (new version)",
    ]
    assert FrameworkPack.objects.get(key="cmd_alpha").organization is None
    out, _ = run("import", str(tmp_path / "a.yaml"))
    assert out.strip().endswith("cmd_alpha #1 (unchanged)")


def test_import_into_an_organisation(tmp_path):
    organization = make_organization()
    (tmp_path / "a.yaml").write_text(pack_yaml("cmd_alpha"))
    run("import", str(tmp_path / "a.yaml"), "--org", organization.slug)
    assert selectors.effective_pack(organization, "cmd_alpha").organization == organization
    with pytest.raises(PackVersion.DoesNotExist):
        selectors.effective_pack(None, "cmd_alpha")


def test_a_bad_import_prints_every_error_and_imports_nothing(tmp_path):
    bad = pack_data("cmd_beta")
    bad["items"][0]["kind"] = "gizmo"
    (tmp_path / "a.yaml").write_text(pack_yaml("cmd_alpha"))
    (tmp_path / "b.yaml").write_text(pack_yaml(data=bad))
    (tmp_path / "c.yaml").write_text("key: [\n")
    err = StringIO()
    with pytest.raises(CommandError) as failure:
        call_command("frameworks", "import", str(tmp_path), stdout=StringIO(), stderr=err)
    assert failure.value.returncode == 1
    lines = err.getvalue().splitlines()
    assert lines[0].startswith(f"{tmp_path}/b.yaml: items.0.kind: ")
    assert lines[1].startswith(f"{tmp_path}/c.yaml: line 2: YAML syntax error")
    assert not FrameworkPack.objects.filter(key__startswith="cmd_").exists()


def test_import_of_missing_paths_or_an_unknown_organisation_fails(tmp_path):
    with pytest.raises(CommandError):
        run("import", str(tmp_path / "missing.yaml"))
    with pytest.raises(CommandError, match="no organisation"):
        run("import", str(tmp_path), "--org", "nobody")
    with pytest.raises(CommandError):
        run("import", str(tmp_path))  # an empty folder


def test_export_writes_the_chosen_version(tmp_path):
    make_pack("cmd_alpha")
    make_pack("cmd_alpha", data=pack_data("cmd_alpha", version="2.0.0"))
    out, _ = run("export", "cmd_alpha")
    assert yaml.safe_load(out)["version"] == "2.0.0"
    target = tmp_path / "old.yaml"
    _, err = run("export", "cmd_alpha", "--version", "1", "-o", str(target))
    assert yaml.safe_load(target.read_text())["version"] == "1.0.0"
    assert "cmd_alpha #1" in err
    with pytest.raises(CommandError):
        run("export", "cmd_alpha", "--version", "9")


def test_export_for_an_organisation_uses_its_override():
    make_pack("cmd_alpha")
    organization = make_organization()
    make_pack("cmd_alpha", organization=organization, data=pack_data("cmd_alpha", version="3.0.0"))
    out, _ = run("export", "cmd_alpha", "--org", organization.slug)
    assert yaml.safe_load(out)["version"] == "3.0.0"


def test_validate_reports_ok_or_errors_without_importing(tmp_path):
    good, bad = tmp_path / "good.yaml", tmp_path / "bad.yaml"
    good.write_text(pack_yaml("cmd_alpha", links=["space_for_change:regulatory_room"]))
    bad.write_text(pack_yaml("cmd_beta", links=["cmd_alpha:nothing"]))
    out, _ = run("validate", str(good))
    assert out.strip() == f"{good}: OK (cmd_alpha 1.0.0)"
    err = StringIO()
    with pytest.raises(CommandError) as failure:
        call_command("frameworks", "validate", str(good), str(bad), stdout=StringIO(), stderr=err)
    assert failure.value.returncode == 1
    line = bad.read_text().splitlines().index("  - cmd_alpha:nothing") + 1
    assert err.getvalue().splitlines() == [
        f"{bad}: items.2.links.1: item 'open_dialogue' refers to 'cmd_alpha:nothing', but pack 'cmd_alpha' has no item "
        f"'nothing' (line {line})"
    ]
    assert not FrameworkPack.objects.filter(key__startswith="cmd_").exists()


def test_help_texts_describe_every_action():
    from spaceforchange.frameworks.management.commands.frameworks import Command

    parser = Command().create_parser("sfc", "frameworks")
    text = parser.format_help()
    for action in ("list", "show", "import", "export", "validate"):
        assert f"    {action} " in text
    assert "file: path: message" in text
