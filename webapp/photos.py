"""The record of a processed photo, shared by the release build (:mod:`webapp.publish.images`, which
writes it) and the workers (:mod:`webapp.web.release`, which read it): plain data, no Pillow."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass(frozen=True)
class Rendition:
    """One encoded file: pixel ``width`` × ``height`` and its path in the static pool."""

    width: int
    height: int
    path: str


@dataclass(frozen=True)
class Photo:
    """What pages need to show one photo: its upright size in pixels (``width``/``height`` of
    the largest rendition, so ``<img width height>`` gives the real aspect ratio), the
    renditions per MIME type (smallest first), the sharing-card JPEG, the placeholder (a
    ``data:image/svg+xml`` URI, text) and its dominant colour (``#rrggbb``)."""

    width: int
    height: int
    sources: dict[str, list[Rendition]] = field(default_factory=dict)
    share: Rendition | None = None
    placeholder: str = ""
    color: str = "#888888"

    def to_json(self) -> dict:
        """The record as JSON-able data (for the release index)."""
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> Photo:
        """The inverse of :meth:`to_json`."""
        return cls(width=data["width"], height=data["height"],
                   sources={t: [Rendition(**r) for r in rs] for t, rs in data["sources"].items()},
                   share=Rendition(**data["share"]) if data.get("share") else None,
                   placeholder=data["placeholder"], color=data["color"])

    def files(self) -> list[str]:
        """Every pool path this record names."""
        out = [r.path for rs in self.sources.values() for r in rs]
        return out + ([self.share.path] if self.share else [])
