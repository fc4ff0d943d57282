"""Identifiers of a dossier: the public code and the structured payment reference."""

import secrets

CROCKFORD_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
PUBLIC_CODE_LENGTH = 10


def new_public_code() -> str:
    """10 random Crockford base32 characters: 50 bits, unguessable, easy to read aloud."""
    return "".join(secrets.choice(CROCKFORD_ALPHABET) for _ in range(PUBLIC_CODE_LENGTH))


def ogm_check_digits(base: int) -> int:
    """The mod-97 check of a Belgian structured reference (97 when the remainder is 0)."""
    return base % 97 or 97


def new_payment_reference() -> str:
    """A structured reference (OGM/VCS): 10 random digits and their two check digits."""
    base = secrets.randbelow(10**10)
    return f"{base:010d}{ogm_check_digits(base):02d}"


def format_payment_reference(digits: str) -> str:
    return f"+++{digits[:3]}/{digits[3:7]}/{digits[7:]}+++"
