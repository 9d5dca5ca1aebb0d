"""Password reset by email, sent through Django's mail backend."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.urls import reverse

from tests.factories import make_user

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-brand-new-passphrase-42"


def test_password_reset_by_email(client):
    user = make_user(email="kari@example.org")

    response = client.post(reverse("account_reset_password"), {"email": "kari@example.org"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["kari@example.org"]
    link = re.search(r"http://testserver(/accounts/password/reset/key/\S+/)", message.body).group(1)

    form_page = client.get(link, follow=True)
    set_password_url = form_page.redirect_chain[-1][0] if form_page.redirect_chain else link
    response = client.post(set_password_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302

    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    client.logout()
    login = client.post(reverse("account_login"), {"login": "kari@example.org", "password": NEW_PASSWORD})
    assert login.status_code == 302


def test_reset_for_unknown_address_reveals_nothing_and_sends_no_link(client):
    make_user(email="kari@example.org")
    response = client.post(reverse("account_reset_password"), {"email": "nobody@example.org"})
    assert response.status_code == 302  # the same answer as for a known address
    assert all("/password/reset/key/" not in message.body for message in mail.outbox)


def test_used_reset_link_cannot_be_used_again(client):
    user = make_user(email="kari@example.org")
    client.post(reverse("account_reset_password"), {"email": "kari@example.org"})
    link = re.search(r"http://testserver(/accounts/password/reset/key/\S+/)", mail.outbox[0].body).group(1)
    page = client.get(link, follow=True)
    client.post(page.redirect_chain[-1][0], {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    client.logout()

    again = client.get(link, follow=True)
    again_url = again.redirect_chain[-1][0] if again.redirect_chain else link
    client.post(again_url, {"password1": "another-passphrase-99", "password2": "another-passphrase-99"})
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
