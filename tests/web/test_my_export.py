"""Mijn gegevens downloaden (AVG art. 15 and 20): the client asks for their data, sees
it being prepared, and downloads the ZIP once when it is ready."""

import zipfile

from playwright.sync_api import expect

from .conftest import assert_accessible
from .test_dossiers import client_with_a_dossier, signed_in
from .test_login import nav


def test_the_client_asks_for_their_data_and_downloads_it_once(browse, kluis, tmp_path):
    case, _dossier = client_with_a_dossier(kluis)
    page = signed_in(browse, case)
    nav(page, "Mijn gegevens")
    export = page.get_by_role("region", name="Mijn gegevens downloaden")
    export.get_by_role("button", name="Mijn gegevens downloaden").click()
    expect(export.get_by_role("status").first).to_contain_text("We zetten uw gegevens klaar")
    expect(export.get_by_role("button", name="Mijn gegevens downloaden")).to_have_count(0)
    download_button = export.get_by_role("button", name="Bestand downloaden")
    expect(download_button).to_be_visible(timeout=40_000)
    expect(export).to_contain_text("U kunt het bestand één keer downloaden")
    assert_accessible(page)
    with page.expect_download() as started:
        download_button.click()
    saved = tmp_path / started.value.suggested_filename
    started.value.save_as(saved)
    assert saved.name.endswith(".zip")
    assert "data/profile.json" in zipfile.ZipFile(saved).namelist()
    expect(export).to_contain_text("U heeft uw gegevens gedownload")
    expect(download_button).to_have_count(0)
    mails = kluis.mail.wait_for(case.email, subject="Uw gegevens staan klaar")
    assert mails
