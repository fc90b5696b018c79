"""``GET /v2/timezones`` (Cal.com): the zones a schedule or a booker may name, by city."""

from __future__ import annotations

from fastapi import APIRouter, Response

from immersio_booking.auth.dependencies import CheckCredentials
from immersio_booking.kit.schemas import ApiModel, Envelope, ok
from immersio_booking.kit.when import city_zones

router = APIRouter(prefix="/v2/timezones", tags=["Time zones"], dependencies=[CheckCredentials])

# The list changes only with the tz database, i.e. with a deployment.
CACHE_CONTROL = "public, max-age=86400"


class CityZone(ApiModel):
    city: str
    time_zone: str


@router.get("")
async def timezones(response: Response) -> Envelope[list[CityZone]]:
    """Every IANA zone with its city in English. Public; cached for a day. Cal.com's ``pop``
    (the city's population) is not known here and is left out."""
    response.headers["Cache-Control"] = CACHE_CONTROL
    return ok([CityZone(city=city, time_zone=zone) for city, zone in city_zones()])
