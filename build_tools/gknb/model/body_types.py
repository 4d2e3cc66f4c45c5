"""The body types of SPEC.md "Metadata", written once: their names, URL slugs and what they imply."""

from __future__ import annotations

from enum import Enum


class BodyType(str, Enum):
    """A body type; the value is the name the record, the sidecar and the pages use."""

    PROVINCE_GOV = "省级政府"
    CITY_GOV = "市级政府"
    COUNTY_GOV = "县级政府"
    TOWNSHIP = "乡镇"
    SUBDISTRICT = "街道"
    ZONE = "开发区管委会"
    PROVINCE_DEPT = "省级部门"
    CITY_DEPT = "市级部门"
    COUNTY_DEPT = "县级部门"
    DISPATCHED = "派出/垂直管理机构"
    INSTITUTION = "事业单位"

    @property
    def slug(self) -> str:
        """ASCII, so URLs survive any server."""
        return SLUGS[self]

    @property
    def is_government(self) -> bool:
        """A government as a whole (deadline 31 March) rather than a department (31 January)."""
        return self in GOVERNMENTS

    @property
    def is_provincial(self) -> bool:
        return self in (BodyType.PROVINCE_GOV, BodyType.PROVINCE_DEPT)


SLUGS = {
    BodyType.PROVINCE_GOV: "province-gov", BodyType.CITY_GOV: "city-gov", BodyType.COUNTY_GOV: "county-gov",
    BodyType.TOWNSHIP: "township", BodyType.SUBDISTRICT: "subdistrict", BodyType.ZONE: "development-zone",
    BodyType.PROVINCE_DEPT: "province-dept", BodyType.CITY_DEPT: "city-dept", BodyType.COUNTY_DEPT: "county-dept",
    BodyType.DISPATCHED: "dispatched", BodyType.INSTITUTION: "institution",
}
GOVERNMENTS = frozenset({BodyType.PROVINCE_GOV, BodyType.CITY_GOV, BodyType.COUNTY_GOV, BodyType.TOWNSHIP,
                         BodyType.SUBDISTRICT, BodyType.ZONE})
# Names sidecars may use for a type, besides the official ones.
ALIASES = {"派出机构": BodyType.DISPATCHED, "垂直管理机构": BodyType.DISPATCHED}


def body_type(name: object) -> BodyType | None:
    """The type a name (official or alias) stands for, or None."""
    text = str(name)
    if text in ALIASES:
        return ALIASES[text]
    try:
        return BodyType(text)
    except ValueError:
        return None
