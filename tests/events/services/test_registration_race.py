"""Capacity under concurrency (PostgreSQL): 200 concurrent submissions into a category of 50
seats give exactly 50 confirmed and 150 waitlisted, and no error, both through the service (threads)
and through HTTP against the live server. A control without the lock shows the overbooking that
the lock prevents. The same for a single-use invitation code: many guests typing it at the same
instant, one gets in. And one guest's form sent many times at once: one registration, one
email."""

import re
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from django.db import IntegrityError, close_old_connections, connection, transaction
from django.utils import timezone

from events.enums import RegistrationStatus as S
from events.exceptions import InvalidInvitation
from events.models import Invitation, Registration
from events.services import registration_confirmation_key, registration_create
from mail.models import Email
from tests.factories.events import make_category, make_event, person

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

SUBMISSIONS = 200
SEATS = 50
WORKERS = 24  # client threads; PostgreSQL here allows 100 connections for everyone


@pytest.fixture(autouse=True)
def _emails_queued_not_sent(settings):
    """The outbox rows are written as usual; the tasks that render and send them are left
    queued (the dummy backend) so that the race, not PDF rendering, is what is measured."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


def _in_thread(function):
    def run(*args):
        try:
            return function(*args)
        finally:
            connection.close()

    return run


def test_200_concurrent_registrations_fill_50_seats_exactly():
    event = make_event()
    category = make_category(event, capacity=SEATS)
    start = threading.Barrier(WORKERS)

    @_in_thread
    def submit(n):
        if n < WORKERS:
            start.wait()  # the first wave starts together
        close_old_connections()
        return registration_create(
            event=event, category=category, skip_email_confirmation=True, **person(n)
        ).status

    with ThreadPoolExecutor(WORKERS) as pool:
        statuses = list(pool.map(submit, range(SUBMISSIONS)))  # an error would raise here
    assert statuses.count(S.CONFIRMED) == SEATS
    assert statuses.count(S.WAITLISTED) == SUBMISSIONS - SEATS
    assert Registration.objects.filter(category=category, status=S.CONFIRMED).count() == SEATS
    assert Registration.objects.filter(category=category, status=S.WAITLISTED).count() == 150


def test_control_without_the_lock_the_same_rule_overbooks():
    """The rule "count the confirmed, confirm if below capacity" without the row lock, with the
    threads interleaved between the count and the write: every one of them sees a free seat."""
    event = make_event()
    category = make_category(event, capacity=5)
    registrations = [
        registration_create(event=event, category=category, **person(n)) for n in range(20)
    ]
    between = threading.Barrier(len(registrations))

    @_in_thread
    def naive_confirm(registration):
        with transaction.atomic():
            taken = Registration.objects.filter(category=category, status=S.CONFIRMED).count()
            between.wait()  # everyone has counted before anyone writes
            status = S.CONFIRMED if taken < category.capacity else S.WAITLISTED
            Registration.objects.filter(pk=registration.pk).update(status=status)

    with ThreadPoolExecutor(len(registrations)) as pool:
        list(pool.map(naive_confirm, registrations))
    confirmed = Registration.objects.filter(category=category, status=S.CONFIRMED).count()
    assert confirmed == 20  # 15 over capacity: this is what the lock prevents


INVITED = 20


def _invitation(event):
    public = make_category(event, name="Khách tham quan")
    vip = make_category(event, name="Khách mời VIP", is_public=False)
    return public, Invitation.objects.create(event=event, category=vip)


def test_concurrent_registrations_with_one_invitation_code_let_one_guest_in():
    event = make_event()
    public, invitation = _invitation(event)
    start = threading.Barrier(INVITED)

    @_in_thread
    def submit(n):
        close_old_connections()
        start.wait()
        try:
            registration_create(
                event=event, category=public, invitation_code=invitation.code, **person(n)
            )
        except InvalidInvitation as error:
            return error.code
        return "ok"

    with ThreadPoolExecutor(INVITED) as pool:
        answers = list(pool.map(submit, range(INVITED)))  # any other error would raise here
    assert answers.count("ok") == 1
    assert answers.count("invalid_invitation") == INVITED - 1
    assert Registration.objects.filter(event=event).count() == 1
    invitation.refresh_from_db()
    assert invitation.registration == Registration.objects.get(event=event)
    assert invitation.registration.category == invitation.category


def test_control_without_the_lock_one_invitation_code_lets_everyone_in():
    """The rule "the code is usable if no live registration holds it, then take it" without the
    row lock, with the threads interleaved between the check and the write: every one of them
    finds the code unused and registers with it."""
    event = make_event()
    _public, invitation = _invitation(event)
    between = threading.Barrier(INVITED)

    @_in_thread
    def naive_use(n):
        with transaction.atomic():
            found = Invitation.objects.select_related("registration").get(pk=invitation.pk)
            usable = found.registration is None or found.registration.status == S.EXPIRED
            between.wait()  # everyone has checked before anyone writes
            if not usable:
                return "invalid_invitation"
            registration = Registration.objects.create(
                event=event, category=found.category, status=S.PENDING_EMAIL, **person(n)
            )
            Invitation.objects.filter(pk=found.pk).update(registration=registration)
            return "ok"

    with ThreadPoolExecutor(INVITED) as pool:
        answers = list(pool.map(naive_use, range(INVITED)))
    assert answers.count("ok") == INVITED  # 19 guests too many: this is what the lock prevents
    assert Registration.objects.filter(event=event).count() == INVITED


def test_200_concurrent_confirmations_over_http_fill_50_seats_exactly(live_server, settings):
    """The form, then the confirmation links clicked at the same time: the seat is decided
    when the email is confirmed, so that is where the race is."""
    settings.REGISTRATION_RATE_LIMIT = "0/0"
    event = make_event()
    category = make_category(event, capacity=SEATS)
    registrations = [
        registration_create(event=event, category=category, **person(n)) for n in range(SUBMISSIONS)
    ]
    urls = [
        f"{live_server.url}/register/confirm/{registration_confirmation_key(registration=r)}/"
        for r in registrations
    ]
    start = threading.Barrier(WORKERS)
    local = threading.local()

    def click(n):
        if not hasattr(local, "session"):
            local.session = requests.Session()
            local.session.get(urls[n])  # the page with the button sets the CSRF cookie
        session = local.session
        if n < WORKERS:
            start.wait()
        token = session.cookies.get("csrftoken")
        response = session.post(
            urls[n],
            data={"csrfmiddlewaretoken": token},
            headers={"Referer": urls[n]},
            allow_redirects=False,
            timeout=60,
        )
        return response.status_code

    began = timezone.now()
    with ThreadPoolExecutor(WORKERS) as pool:
        codes = list(pool.map(click, range(SUBMISSIONS)))
    assert codes == [302] * SUBMISSIONS, {code: codes.count(code) for code in set(codes)}
    counts = {
        status: Registration.objects.filter(category=category, status=status).count()
        for status in (S.CONFIRMED, S.WAITLISTED, S.PENDING_EMAIL)
    }
    assert counts == {S.CONFIRMED: SEATS, S.WAITLISTED: 150, S.PENDING_EMAIL: 0}
    assert (timezone.now() - began).total_seconds() < 120


SAME_FORM = 8  # one guest's form, sent this many times at the same instant


def test_the_same_form_sent_8_times_at_once_over_http_gives_one_registration_and_one_email(
    live_server, settings
):
    """A guest whose answer was lost (or who clicks again and again) sends the same form while
    the first is still being saved: every answer leads to the "check your email" page, one
    registration, one email. The form's key is unique per event; a sender that loses the race
    on the constraint finds the registration the winner made."""
    settings.REGISTRATION_RATE_LIMIT = "0/0"
    event = make_event()
    category = make_category(event)
    url = f"{live_server.url}/register/{event.slug}/"
    browser = requests.Session()
    page = browser.get(url, timeout=60).text
    key = re.search(r'name="form_key" value="([^"]+)"', page).group(1)
    data = {
        "csrfmiddlewaretoken": browser.cookies["csrftoken"],
        "form_key": key,
        "full_name": "Nguyễn Văn Khoa",
        "email": "khoa@example.com",
        "phone": "0912 345 678",
        "category": category.pk,
        "consent": "on",
    }
    start = threading.Barrier(SAME_FORM)

    def send(_n):
        tab = requests.Session()  # the same browser: its cookies, one connection per tab
        tab.cookies.update(browser.cookies)
        start.wait()
        response = tab.post(
            url, data=data, headers={"Referer": url}, allow_redirects=False, timeout=60
        )
        return response.status_code, response.headers.get("Location")

    with ThreadPoolExecutor(SAME_FORM) as pool:
        answers = list(pool.map(send, range(SAME_FORM)))
    assert answers == [(302, f"/register/{event.slug}/sent/")] * SAME_FORM
    registration = Registration.objects.get(event=event)
    assert registration.idempotency_key == key
    assert list(Email.objects.values_list("kind", "to")) == [
        ("registration.confirm_email", "khoa@example.com")
    ]


def test_control_without_the_key_constraint_the_same_form_sent_at_once_fails_all_but_one():
    """The rule "give back the registration of this key if there is one, else make one" without
    the unique constraint on the key to fall back on, the threads interleaved between the look
    and the write: none finds the other's registration, one insert wins and every other sender
    hits the one-live-registration-per-email constraint: an error (or, in the view, a notice
    that someone registered again) instead of their own registration."""
    event = make_event()
    category = make_category(event)
    between = threading.Barrier(SAME_FORM)

    @_in_thread
    def naive_send(_n):
        try:
            with transaction.atomic():
                found = Registration.objects.filter(event=event, idempotency_key="k" * 32).first()
                between.wait()  # every sender has looked before anyone writes
                if found is not None:
                    return "found"
                Registration.objects.create(
                    event=event,
                    category=category,
                    status=S.PENDING_EMAIL,
                    full_name="Nguyễn Văn Khoa",
                    email="khoa@example.com",
                )
                return "created"
        except IntegrityError:
            return "error"

    with ThreadPoolExecutor(SAME_FORM) as pool:
        answers = list(pool.map(naive_send, range(SAME_FORM)))
    # 7 senders out of 8 get an error: this is what the key and its constraint prevent
    assert sorted(answers) == ["created"] + ["error"] * (SAME_FORM - 1)
    assert Registration.objects.filter(event=event).count() == 1
