"""Exception classes of the project; pages catch only these."""

from __future__ import annotations


class PlanningMapError(Exception):
    """Base class of every error the project raises on purpose."""


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
