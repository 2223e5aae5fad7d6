"""Exhibitor accounts: sign-up with a verified email, the company profile, members."""

from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import PasswordResetTokenGenerator, default_token_generator
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.encoding import force_bytes, force_str
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from core.activity import diff, log_action
from core.text import fold, nfc
from exhibitors.emails import INVITATION, PASSWORD_RESET, SIGNUP_AGAIN, VERIFY_EMAIL
from exhibitors.enums import MemberRole, Sector
from exhibitors.exceptions import (
    AlreadyExhibitor,
    EmailTaken,
    ExhibitorsError,
    InvalidLink,
    NotAllowed,
    TaxCodeTaken,
    WrongPassword,
)
from exhibitors.images import logo_process
from exhibitors.models import Exhibitor, ExhibitorInvitation, ExhibitorMember
from exhibitors.permissions import ensure_may_manage_exhibitor
from exhibitors.validators import normalize_tax_code, tax_code_problem
from mail.services import email_queue

User = get_user_model()


class EmailVerificationTokenGenerator(PasswordResetTokenGenerator):
    """One-use links: the hash covers ``is_active``, so the link dies once the account is on."""

    key_salt = "exhibitors.services.accounts.EmailVerificationTokenGenerator"

    def _make_hash_value(self, user, timestamp):
        return f"{user.pk}{user.is_active}{user.email}{user.password}{timestamp}"


email_verification_token = EmailVerificationTokenGenerator()


def password_reset_link_parts(user) -> tuple[str, str]:
    """The parts of a password reset link (Django's token: it covers the password and the last
    login, so it works once)."""
    return urlsafe_base64_encode(force_bytes(user.pk)), default_token_generator.make_token(user)


def verification_link_parts(user) -> tuple[str, str]:
    return urlsafe_base64_encode(force_bytes(user.pk)), email_verification_token.make_token(user)


def exhibitor_signup(*, email: str, password: str, full_name: str = "", language: str = "vi"):
    """Create an exhibitor's login (inactive until the email is confirmed).

    The username is the email in lower case. The newest sign-up of an unconfirmed address wins:
    it sets its own password and name, which kills the links sent before (the token covers the
    password hash). The link only switches the account on together with that password
    (``exhibitor_verify_email``), so the address owner can never switch on an account a stranger
    opened with the owner's address. A confirmed account is refused (``EmailTaken``).
    Side effects: inserts or updates the user; owes them the confirmation link (outbox).
    """
    email = (email or "").strip().lower()
    full_name = nfc(" ".join((full_name or "").split()))
    first, _sep, last = full_name.rpartition(" ")
    with transaction.atomic():
        user = User.objects.select_for_update().filter(email__iexact=email).first()
        if user is None:
            user = User.objects.filter(username__iexact=email).first()
        if user is not None and (user.is_active or user.last_login):
            raise EmailTaken()
        is_new = user is None
        if is_new:
            user = User(username=email, email=email, is_active=False)
        user.first_name, user.last_name = (first, last) if first else (last, "")
        user.set_password(password)
        if is_new:
            try:
                with transaction.atomic():
                    user.save()
            except IntegrityError as exc:
                raise EmailTaken() from exc
        else:
            user.save(update_fields=["first_name", "last_name", "password"])
        email_queue(kind=VERIFY_EMAIL, to=[user.email], language=_language(language), about=user)
    return user


def _language(language: str) -> str:
    return language if language in ("vi", "en") else "vi"


def _exhibitor_account(email: str):
    """The switched-on account of ``email`` that may use the exhibitor pages' password reset:
    not an organizer's (staff reset theirs in the admin), with a password."""
    user = (
        User.objects.filter(email__iexact=(email or "").strip(), is_active=True)
        .exclude(is_staff=True)
        .exclude(is_superuser=True)
        .first()
    )
    return user if user is not None and user.has_usable_password() else None


def exhibitor_signup_notify_owner(*, email: str, language: str = "vi") -> bool:
    """Tell the owner of the account of ``email`` that someone tried to sign up with it again
    (the sign-up page answers the same whether or not an address is known): the email carries
    the login and password reset links, in the company's language (else ``language``). Nothing
    about the account changes.

    Side effects: an email ``exhibitor.signup_again`` queued if the account exists. Returns
    whether it did.
    """
    user = User.objects.filter(email__iexact=(email or "").strip()).first()
    if user is None:
        return False
    member = ExhibitorMember.objects.filter(user=user).select_related("exhibitor").first()
    language = member.exhibitor.language if member else _language(language)
    with transaction.atomic():
        email_queue(kind=SIGNUP_AGAIN, to=[user.email], language=language, about=user)
    return True


def exhibitor_password_reset_request(*, email: str, language: str = "vi") -> bool:
    """Email the exhibitor account of ``email`` a link to choose a new password (made when the
    email is sent, one use: it dies once the password changes or the user logs in). Says
    nothing about whether the account exists.

    Side effects: an email ``exhibitor.password_reset`` queued if a switched-on exhibitor
    account (not an organizer's) has this address. Returns whether one did.
    """
    user = _exhibitor_account(email)
    if user is None:
        return False
    with transaction.atomic():
        email_queue(kind=PASSWORD_RESET, to=[user.email], language=_language(language), about=user)
    return True


def verification_link_user(*, uidb64: str, token: str, lock: bool = False):
    """The user a still valid confirmation link names; ``InvalidLink`` for a wrong or used
    link. Changes nothing (``lock``: the row stays locked until the transaction ends)."""
    try:
        pk = int(force_str(urlsafe_base64_decode(uidb64)))
    except (ValueError, TypeError, OverflowError, UnicodeDecodeError) as exc:
        raise InvalidLink() from exc
    users = User.objects.select_for_update() if lock else User.objects
    user = users.filter(pk=pk).first()
    if user is None or not email_verification_token.check_token(user, token):
        raise InvalidLink()
    return user


def exhibitor_verify_email(*, uidb64: str, token: str, password: str):
    """Turn the account on from the emailed link and the password chosen at sign-up.

    Refuses a wrong or used link (``InvalidLink``) and another password (``WrongPassword``:
    nothing changes, the link still works). Asking for the password means only the person who
    signed up can switch the account on, never the address owner clicking a stranger's link.
    Side effects: sets ``is_active``.
    """
    with transaction.atomic():
        user = verification_link_user(uidb64=uidb64, token=token, lock=True)
        if not user.check_password(password or ""):
            raise WrongPassword()
        user.is_active = True
        user.save(update_fields=["is_active"])
    return user


PROFILE_FIELDS = (
    "name",
    "tax_code",
    "sector",
    "description_vi",
    "description_en",
    "website",
    "contact_name",
    "contact_phone",
    "contact_email",
    "language",
)


def _unique_slug(name: str, exclude_pk=None) -> str:
    base = slugify(fold(name))[:70] or "exhibitor"
    slug, n = base, 1
    taken = Exhibitor.objects.exclude(pk=exclude_pk)
    while taken.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def _apply_profile(exhibitor: Exhibitor, fields: dict, logo):
    """Set and check the profile fields; return the checked logo (not yet stored)."""
    unknown = set(fields) - set(PROFILE_FIELDS)
    if unknown:
        raise ExhibitorsError(code="invalid")
    for key, value in fields.items():
        value = nfc(value.strip()) if isinstance(value, str) else value
        setattr(exhibitor, key, value)
    exhibitor.tax_code = normalize_tax_code(exhibitor.tax_code)
    if problem := tax_code_problem(exhibitor.tax_code):
        raise problem()
    if not exhibitor.name:
        raise ExhibitorsError(_("Please give the company name."), code="invalid")
    if exhibitor.sector not in Sector.values:
        raise ExhibitorsError(_("Please choose a sector."), code="invalid")
    if exhibitor.language not in ("vi", "en"):
        exhibitor.language = "vi"
    if logo:
        return logo_process(logo, name_hint=slugify(fold(exhibitor.name))[:40] or "logo")
    return None


def exhibitor_create(*, user, logo=None, **fields) -> Exhibitor:
    """Create the company profile of ``user``, who becomes its owner.

    ``fields``: name, tax_code, sector, description_vi, description_en, website, contact_name,
    contact_phone, contact_email, language. Refuses: a user who already belongs to a company
    (``AlreadyExhibitor``), an invalid or taken tax code, a bad logo (``InvalidLogo``).
    Side effects: stores the re-encoded logo; inserts the exhibitor and the owner membership;
    the activity entry ``exhibitor.created`` by ``user``.
    """
    if ExhibitorMember.objects.filter(user=user).exists():
        raise AlreadyExhibitor()
    exhibitor = Exhibitor()
    processed = _apply_profile(exhibitor, fields, logo)
    if Exhibitor.objects.filter(tax_code=exhibitor.tax_code).exists():
        raise TaxCodeTaken()
    try:
        with transaction.atomic():
            exhibitor.slug = _unique_slug(exhibitor.name)
            if processed:
                exhibitor.logo.save(processed.name, processed, save=False)
            exhibitor.save()
            ExhibitorMember.objects.create(exhibitor=exhibitor, user=user, role=MemberRole.OWNER)
            log_action(action="exhibitor.created", obj=exhibitor, actor=user)
    except IntegrityError as exc:
        if ExhibitorMember.objects.filter(user=user).exists():
            raise AlreadyExhibitor() from exc
        raise TaxCodeTaken() from exc
    return exhibitor


def exhibitor_update(*, exhibitor: Exhibitor, by, logo=None, **fields) -> Exhibitor:
    """Change the company profile (same fields and checks as ``exhibitor_create``). Only an
    owner (or an organizer) may (``NotAllowed``).

    Side effects: stores a new re-encoded logo if given; updates the row; if anything changed,
    the activity entry ``exhibitor.updated`` by ``by`` with the changes.
    """
    ensure_may_manage_exhibitor(exhibitor.pk, by)
    exhibitor = Exhibitor.objects.get(pk=exhibitor.pk)
    before = {name: getattr(exhibitor, name) for name in PROFILE_FIELDS}
    before["logo"] = exhibitor.logo.name or ""
    processed = _apply_profile(exhibitor, fields, logo)
    if Exhibitor.objects.filter(tax_code=exhibitor.tax_code).exclude(pk=exhibitor.pk).exists():
        raise TaxCodeTaken()
    try:
        with transaction.atomic():
            if processed:
                exhibitor.logo.save(processed.name, processed, save=False)
            exhibitor.save()
            after = {name: getattr(exhibitor, name) for name in PROFILE_FIELDS}
            after["logo"] = exhibitor.logo.name or ""
            if changes := diff(before, after):
                log_action(action="exhibitor.updated", obj=exhibitor, actor=by, changes=changes)
    except IntegrityError as exc:
        raise TaxCodeTaken() from exc
    return exhibitor


def exhibitor_invite(*, exhibitor: Exhibitor, email: str, by) -> ExhibitorInvitation:
    """Invite a colleague by email to join ``exhibitor``.

    Refuses anyone but an owner or an organizer (``NotAllowed``), and an address that already
    belongs to a member of a company (``AlreadyExhibitor``).
    Side effects: inserts the invitation; owes the colleague the link (outbox); the activity
    entry ``exhibitor.member_invited`` by ``by``.
    """
    ensure_may_manage_exhibitor(exhibitor.pk, by)
    email = (email or "").strip().lower()
    if ExhibitorMember.objects.filter(user__email__iexact=email).exists():
        raise AlreadyExhibitor(_("This person already belongs to a company."))
    with transaction.atomic():
        invitation = ExhibitorInvitation.objects.create(
            exhibitor=exhibitor, email=email, invited_by=by
        )
        email_queue(
            kind=INVITATION,
            to=[invitation.email],
            language=exhibitor.language,
            about=invitation,
            by=by,
        )
        log_action(
            action="exhibitor.member_invited",
            obj=exhibitor,
            actor=by,
            changes={"invitation": [None, email]},
        )
    return invitation


def exhibitor_accept_invitation(*, token: str, user) -> ExhibitorMember:
    """``user`` joins the company that invited their email address.

    Refuses: an unknown, used or expired link (``InvalidLink``), a link sent to another address
    (``NotAllowed``), a user already in a company (``AlreadyExhibitor``).
    Side effects: locks the invitation; inserts the membership; marks the invitation used;
    the activity entry ``exhibitor.member_added`` by ``user``.
    """
    with transaction.atomic():
        invitation = (
            ExhibitorInvitation.objects.select_for_update(of=("self",))
            .select_related("exhibitor")
            .filter(token=token)
            .first()
        )
        if invitation is None or not invitation.is_usable():
            raise InvalidLink()
        if invitation.email.lower() != (user.email or "").lower():
            raise NotAllowed(_("This invitation was sent to another email address."))
        if ExhibitorMember.objects.filter(user=user).exists():
            raise AlreadyExhibitor()
        try:
            with transaction.atomic():
                member = ExhibitorMember.objects.create(
                    exhibitor=invitation.exhibitor, user=user, role=MemberRole.MEMBER
                )
        except IntegrityError as exc:
            raise AlreadyExhibitor() from exc
        invitation.accepted_at = timezone.now()
        invitation.save(update_fields=["accepted_at"])
        log_action(
            action="exhibitor.member_added",
            obj=invitation.exhibitor,
            actor=user,
            changes={"member": [None, _member_label(member)]},
        )
    return member


def _member_label(member: ExhibitorMember) -> str:
    user = member.user
    name = user.get_full_name()
    return f"{name} <{user.email}>" if name else user.email or user.get_username()


def exhibitor_remove_member(*, member: ExhibitorMember, by) -> None:
    """An owner removes a member of their company. Refuses anyone but an owner (or an organizer)
    and the removal of the last owner (``NotAllowed``).

    Side effects: deletes the membership (the user keeps their login); the activity entry
    ``exhibitor.member_removed`` by ``by``.
    """
    with transaction.atomic():
        # The company's row is the lock: two owners removing each other at once are served one
        # after the other, and the second is checked (still an owner? a single owner left?)
        # after the first's change. (FOR UPDATE on the owners themselves would be dropped by
        # Django from the COUNT.)
        Exhibitor.objects.select_for_update().filter(pk=member.exhibitor_id).first()
        ensure_may_manage_exhibitor(member.exhibitor_id, by)
        owners = ExhibitorMember.objects.filter(
            exhibitor_id=member.exhibitor_id, role=MemberRole.OWNER
        )
        if member.role == MemberRole.OWNER and owners.count() <= 1:
            raise NotAllowed(_("A company needs at least one owner."))
        ExhibitorMember.objects.filter(pk=member.pk).delete()
        log_action(
            action="exhibitor.member_removed",
            obj=member.exhibitor,
            actor=by,
            changes={"member": [_member_label(member), None], "role": [member.role, None]},
        )
