"""``take``/``skip`` pagination as Cal.com's list endpoints speak it."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Query

from immersio_booking.kit.schemas import ApiModel


@dataclass(frozen=True)
class Page:
    take: int
    skip: int


def _page(
    take: Annotated[int, Query(ge=1, le=250)] = 250,
    skip: Annotated[int, Query(ge=0)] = 0,
) -> Page:
    return Page(take=take, skip=skip)


PageParams = Annotated[Page, Depends(_page)]


class Pagination(ApiModel):
    total_items: int
    remaining_items: int
    returned_items: int
    items_per_page: int
    current_page: int
    total_pages: int
    has_next_page: bool
    has_previous_page: bool

    @classmethod
    def of(cls, total: int, page: Page) -> Pagination:
        total_pages = math.ceil(total / page.take) if page.take else 0
        current = 0 if total_pages == 0 else min(max(page.skip // page.take + 1, 1), total_pages)
        return cls(
            total_items=total,
            remaining_items=max(0, total - (page.skip + page.take)),
            returned_items=min(max(total - page.skip, 0), page.take),
            items_per_page=page.take,
            current_page=current,
            total_pages=total_pages,
            has_next_page=page.skip + page.take < total,
            has_previous_page=page.skip > 0,
        )
