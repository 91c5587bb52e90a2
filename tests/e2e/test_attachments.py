"""Attaching a picture to a reply in Chromium: it uploads with its progress bar, and the post
shows its thumbnail."""

import re

import pytest
from playwright.sync_api import expect

from tests import attachment_files, factories

pytestmark = pytest.mark.browser


def test_a_picture_uploads_and_shows_as_a_thumbnail(app, open_page, person, tmp_path):
    member = person()
    with app.app_context():
        thread_id = factories.make_thread(member.id, title="Waste-sorting point").id
    picture = tmp_path / "sorting-point.png"
    picture.write_bytes(attachment_files.png((300, 200)))

    page = open_page(f"/t/{thread_id}/reply", person=member)
    page.get_by_label("Message").fill("The new sorting point:")
    page.locator("input[type=file][name=attachments]").set_input_files(str(picture))
    uploaded = page.locator(".staged-files li.uploaded")
    expect(uploaded).to_contain_text("sorting-point.png")  # uploaded by the script, at once
    expect(uploaded.locator("img.upload-thumbnail")).to_be_visible()
    uploaded.get_by_role("button", name="Place in the text").click()
    expect(page.get_by_label("Message")).to_have_value(re.compile(r"!\[sorting-point\.png\]"))

    page.get_by_role("button", name="Post reply").click()
    expect(page).to_have_url(re.compile(r"/t/\d+#post-\d+$"))
    thumbnail = page.locator(".attachment-thumbnails img").last
    expect(thumbnail).to_be_visible()
    assert page.evaluate("(img) => img.naturalWidth", thumbnail.element_handle()) > 0
    # Placed in the text too, as a thumbnail linking to the full picture.
    expect(page.locator(".post-body a img.inline")).to_have_count(1)
