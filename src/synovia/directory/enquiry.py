"""Enquiries to a listed clinician: checked (explicit consent, a honeypot that only bots fill,
length limits), stored, and emailed only when SMTP is configured. Rate limits belong to the
interface that receives them."""

from __future__ import annotations

import re
import smtplib
from datetime import UTC, datetime
from email.message import EmailMessage

from synovia.config import Smtp, get_settings
from synovia.directory.model import Enquiry, Listing

CONSENT_TEXT = ("I agree that Synovia stores this enquiry and passes my name, contact details "
                "and message to this clinician so they can reply to me.")
EMAIL = re.compile(r"^[^@\s<>\"']{1,64}@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")
PHONE = re.compile(r"^[0-9+() -]{6,40}$")
MAX_MESSAGE = 3000


class EnquiryError(ValueError):
    """The form cannot be accepted as sent; the message tells the person what to fix."""


class BotSuspected(EnquiryError):
    """The honeypot field was filled: answered like a success, stored nowhere."""


def check_enquiry(listing: Listing, name: str, email: str, phone: str, message: str,
                  consent: bool, honeypot: str) -> Enquiry:
    if honeypot.strip():
        raise BotSuspected("not stored")
    if not consent:
        raise EnquiryError("Please tick the consent box: we cannot store or pass on your "
                           "enquiry without your agreement.")
    name, email, phone = " ".join(name.split()), email.strip(), " ".join(phone.split())
    message = message.replace("\x00", "").strip()
    problems = []
    if not name or len(name) > 200:
        problems.append("your name (up to 200 characters)")
    if not EMAIL.match(email) or len(email) > 254:
        problems.append("an email address we can reply to")
    if phone and not PHONE.match(phone):
        problems.append("a phone number of digits, spaces and + ( ) - only, or none")
    if not message or len(message) > MAX_MESSAGE:
        problems.append(f"a message (up to {MAX_MESSAGE} characters)")
    if problems:
        raise EnquiryError("Please give " + "; ".join(problems) + ".")
    return Enquiry(listing_id=listing.id, listing_name=listing.name, name=name, email=email,
                   phone=phone or None, message=message, consent_text=CONSENT_TEXT,
                   created_at=datetime.now(UTC))


def smtp_settings() -> Smtp:
    """Read at each send, so a changed mail setting needs no restart."""
    return get_settings().smtp


def smtp_configured() -> bool:
    return bool(smtp_settings().host)


def recipient(listing: Listing, smtp: Smtp) -> str | None:
    """The listing's own address, except for fictional examples; else the service's inbox."""
    if listing.email and not listing.example:
        return listing.email
    return smtp.enquiry_to


def send_enquiry(enquiry: Enquiry, listing: Listing) -> bool:
    """Email the enquiry when SYNOVIA_SMTP_HOST is set and there is someone to send it to.
    Returns whether it was sent; failures are the caller's to report, never the visitor's."""
    smtp_cfg = smtp_settings()
    to = recipient(listing, smtp_cfg)
    if not smtp_cfg.host or not to:
        return False
    msg = EmailMessage()
    msg["From"] = smtp_cfg.sender
    msg["To"] = to
    msg["Reply-To"] = enquiry.email
    msg["Subject"] = f"Enquiry via Synovia for {listing.name}"
    msg.set_content(
        f"{enquiry.name} sent this enquiry through the Synovia directory.\n\n"
        f"Email: {enquiry.email}\nPhone: {enquiry.phone or '-'}\n\n{enquiry.message}\n\n"
        f"They agreed: \"{enquiry.consent_text}\"\n")
    with smtplib.SMTP(smtp_cfg.host, smtp_cfg.port, timeout=10) as smtp:
        if smtp_cfg.starttls:
            smtp.starttls()
        if smtp_cfg.user:
            smtp.login(smtp_cfg.user, smtp_cfg.password)
        smtp.send_message(msg)
    return True
