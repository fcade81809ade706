"""The content model: provinces, events and their milestones and figures, awards, bases."""

from .awards import Award, AwardKind, AwardRecipient
from .base import Illustrated, PublicationStatus, Publishable, Timestamped, public_q
from .chronicle import (
    Category,
    Edition,
    Event,
    KeyFigure,
    Magnitude,
    Milestone,
    Qualifier,
    QualifierPosition,
    SourceArticle,
)
from .importing import StagedImport
from .places import Province, ProvinceKind
from .training import HostType, Sector, TrainingBase, TrainingBaseBatch, TrainingBaseKind

__all__ = [
    "Award",
    "AwardKind",
    "AwardRecipient",
    "Category",
    "Edition",
    "Event",
    "HostType",
    "Illustrated",
    "KeyFigure",
    "Magnitude",
    "Milestone",
    "Province",
    "ProvinceKind",
    "PublicationStatus",
    "Publishable",
    "Qualifier",
    "QualifierPosition",
    "Sector",
    "SourceArticle",
    "StagedImport",
    "Timestamped",
    "TrainingBase",
    "TrainingBaseBatch",
    "TrainingBaseKind",
    "public_q",
]
