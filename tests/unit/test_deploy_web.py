"""deploy/web.py: `make run` builds the portal (web/ -> web/dist) only when its sources
changed, and says in one line what to install when Node.js is missing. Driven over a
tiny copy of a source tree in a temporary folder; npm is never run."""

import pytest

from deploy import web


@pytest.fixture
def sources(tmp_path):
    """A portal's source tree as deploy/web.py sees it (no dist/ yet)."""
    root = tmp_path / "web"
    (root / "src").mkdir(parents=True)
    (root / "index.html").write_text("<!doctype html><div id=app></div>")
    (root / "package.json").write_text('{"name": "kluis-web", "private": true}')
    (root / "package-lock.json").write_text('{"lockfileVersion": 3}')
    (root / "src" / "a.ts").write_text("export const a = 1\n")
    return root


def built(root):
    """What a finished `npm run build` leaves, and the stamp build() writes after it."""
    (root / "dist" / "assets").mkdir(parents=True, exist_ok=True)
    (root / "dist" / "index.html").write_text("<!doctype html>")
    (root / "dist" / ".sources").write_text(web.sources_hash(root))


def test_without_a_build_it_is_not_up_to_date(sources):
    assert web.up_to_date(sources) is False


def test_a_build_stamped_with_the_current_sources_is_up_to_date(sources):
    built(sources)
    assert web.up_to_date(sources) is True


def test_the_stamp_alone_or_the_page_alone_is_not_a_build(sources):
    built(sources)
    (sources / "dist" / "index.html").unlink()
    assert web.up_to_date(sources) is False
    built(sources)
    (sources / "dist" / ".sources").unlink()
    assert web.up_to_date(sources) is False


@pytest.mark.parametrize(
    "change",
    [
        lambda root: (root / "src" / "a.ts").write_text("export const a = 2\n"),
        lambda root: (root / "src" / "b.ts").write_text("export const b = 1\n"),
        lambda root: (root / "src" / "a.ts").unlink(),
        lambda root: (root / "index.html").write_text("<!doctype html><main></main>"),
        lambda root: (root / "package-lock.json").write_text('{"lockfileVersion": 4}'),
        lambda root: (root / "tsconfig.json").write_text("{}"),
        lambda root: (root / "api-docs.html").write_text("<!doctype html><div></div>"),
    ],
    ids=[
        "edited",
        "added",
        "removed",
        "index.html",
        "lock file",
        "new config",
        "the API reference page",
    ],
)
def test_a_changed_source_makes_the_build_stale(sources, change):
    built(sources)
    change(sources)
    assert web.up_to_date(sources) is False


def test_what_is_not_a_source_does_not_make_it_stale(sources):
    built(sources)
    before = web.sources_hash(sources)
    (sources / "node_modules").mkdir()
    (sources / "node_modules" / "x.js").write_text("installed")
    (sources / "dist" / "assets" / "app-1.js").write_text("built")
    (sources / "README.md").write_text("notes")
    assert web.sources_hash(sources) == before
    assert web.up_to_date(sources) is True


def test_the_hash_tells_a_renamed_file_from_the_same_bytes(sources):
    before = web.sources_hash(sources)
    (sources / "src" / "a.ts").rename(sources / "src" / "z.ts")
    assert web.sources_hash(sources) != before


def test_stale_sources_without_node_fail_in_one_line_naming_node(sources, monkeypatch):
    monkeypatch.setenv("PATH", "")
    with pytest.raises(web.BuildFailed) as failure:
        web.build(sources)
    text = str(failure.value)
    assert text == web.NO_NODE
    assert "\n" not in text and "Node.js" in text and "npm" in text
    assert not (sources / "dist").exists()  # nothing half-built left behind


def test_a_changed_source_without_node_fails_too(sources, monkeypatch):
    built(sources)
    (sources / "src" / "a.ts").write_text("export const a = 3\n")
    monkeypatch.setenv("PATH", "")
    with pytest.raises(web.BuildFailed):
        web.build(sources)


def test_an_up_to_date_build_is_left_alone_without_needing_npm(sources, monkeypatch):
    built(sources)
    stamp = (sources / "dist" / ".sources").read_text()
    monkeypatch.setenv("PATH", "")
    assert web.build(sources) is False
    assert (sources / "dist" / ".sources").read_text() == stamp
