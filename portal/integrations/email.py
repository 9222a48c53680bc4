"""Sending one email: over SMTP in production, to .eml files in development."""

from __future__ import annotations

import smtplib
from email.message import EmailMessage
from email.utils import formatdate
from pathlib import Path

from flask import current_app


def build_message(to: str, subject: str, body: str, message_id: str) -> EmailMessage:
    config = current_app.config
    message = EmailMessage()
    message["From"] = f"{config['SERVICE_NAME']} <{config['MAIL_FROM']}>"
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = message_id
    message.set_content(body)
    return message


def send(to: str, subject: str, body: str, *, reference: str, message_id: str) -> None:
    """Deliver one email. Raises on failure (the outbox retries). `message_id` is the same on
    every attempt, so a retry after an unclear failure can be recognised as a duplicate;
    `reference` names the file the file backend writes."""
    config = current_app.config
    message = build_message(to, subject, body, message_id)
    if config["MAIL_BACKEND"] == "file":
        directory = Path(config["MAIL_DIR"])
        directory.mkdir(parents=True, exist_ok=True)
        (directory / f"{reference}.eml").write_bytes(bytes(message))
        return
    with smtplib.SMTP(config["SMTP_HOST"], config["SMTP_PORT"], timeout=10) as smtp:
        if config["SMTP_STARTTLS"]:
            smtp.starttls()
        if config["SMTP_USERNAME"]:
            smtp.login(config["SMTP_USERNAME"], config["SMTP_PASSWORD"] or "")
        smtp.send_message(message)
