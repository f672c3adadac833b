"""Exception classes of the project; pages catch only these.

An error a planner can meet carries a catalogue key and its values (:func:`problem`),
so the page shows it in the interface language (:meth:`PlanningMapError.text`);
``str(error)`` is the English text, for the command line and logs.
"""

from __future__ import annotations


class PlanningMapError(Exception):
    """Base class of every error the project raises on purpose."""

    def __init__(self, *args: object, key: str = "", values: dict[str, object] | None = None) -> None:
        super().__init__(*args)
        self.key = key
        self.values = dict(values or {})

    def text(self, lang: str = "en") -> str:
        """Return the message in `lang` (the catalogue's wording when the error has a key, else the English text)."""
        if not self.key:
            return str(self)
        from geo.i18n import t

        return t(self.key, lang, **self.values)


class DataFileError(PlanningMapError):
    """A data file is missing, unreadable or lacks required columns."""


class ImportFileError(PlanningMapError):
    """A file given for import cannot be read as a task table."""


class UnknownValueError(PlanningMapError):
    """An argument names an agency, layer, document or format that does not exist."""


class InvalidArgumentError(PlanningMapError):
    """An argument has the wrong form (bad date, radius out of range, ...)."""


class NetworkFileError(PlanningMapError):
    """A street-network file is not a usable walking network."""


class StoreError(PlanningMapError):
    """The planning store cannot be opened, migrated, read or written (bad URL, unreachable server, bad backup)."""


class ConflictError(StoreError):
    """A record changed since the caller read it (optimistic concurrency); the message names who changed it, when and what."""


class PermissionDenied(PlanningMapError):
    """A user may not do what was asked; the message names the user, the role and what was refused."""


class AuthenticationError(PlanningMapError):
    """A sign-in failed: wrong name or password, a disabled account, or an account locked after repeated failures."""


def problem(kind: type[PlanningMapError], key: str, **values: object) -> PlanningMapError:
    """Return an error of `kind` whose English text is the catalogue's `key` filled with `values`."""
    from geo.i18n import t

    return kind(t(key, "en", **values), key=key, values=values)
