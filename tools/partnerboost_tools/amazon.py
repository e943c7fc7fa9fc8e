"""Amazon publisher API (POST JSON to `<amazon base>/<operation>`, `token` in the body): Amazon products,
tracking links, partnered brands and the conversion report.

The operation names are the ones public client code calls, except check_link_trackable (inferred). `token` is
added by the client. Lists page with page/page_size and answer `{"list": [...], "has_more": bool}`; the page
size limits are not documented.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BeforeValidator, ConfigDict, Field, model_validator

from partnerboost_tools.base import Action, FrozenEnd, Paging
from partnerboost_tools.types import CommaList, CompactDate, CountryCode, check_time_order, shown

LINKS_FROM_ASINS_MAX = 50
"""get_amazon_link_by_asin takes at most 50 ASINs per request."""

_ASIN = re.compile(r"^[A-Z0-9]{10}$")


def _flag(value: Any) -> Any:
    return int(value) if isinstance(value, bool) else value


Flag = Annotated[Literal[0, 1], BeforeValidator(_flag)]
"""A 0/1 switch (true/false accepted), sent as 0 or 1."""


def _valid_asins(value: str) -> str:
    asins = [part.strip().upper() for part in value.split(",") if part.strip()]
    if not asins:
        raise ValueError("give at least one ASIN")
    wrong = [asin for asin in asins if not _ASIN.match(asin)]
    if wrong:
        raise ValueError(f"not an ASIN (10 letters or digits): {', '.join(shown(a, 20) for a in wrong[:5])}")
    return ",".join(asins)


def _at_most_links_from_asins_max(value: str) -> str:
    count = len(value.split(","))
    if count > LINKS_FROM_ASINS_MAX:
        raise ValueError(f"at most {LINKS_FROM_ASINS_MAX} ASINs per request, got {count}")
    return value


Asins = Annotated[CommaList, AfterValidator(_valid_asins)]
"""ASINs as a list or a comma-separated string, upper-cased, sent comma-separated."""

AsinsForLinks = Annotated[CommaList, AfterValidator(_valid_asins),
                          AfterValidator(_at_most_links_from_asins_max)]


def _has_more(max_size: int, id_key: str | None = None) -> Paging:
    return Paging(kind="has_more", page_param="page", size_param="page_size", max_size=max_size,
                  default_size=20, records_key="list", id_key=id_key)


def _page() -> Any:
    return Field(None, ge=1, description="Page number, from 1")


def _page_size() -> Any:
    return Field(None, ge=1, description="Records per page")


class AmazonAction(Action):
    """Base of the Amazon publisher API actions."""

    model_config = ConfigDict(coerce_numbers_to_str=True)
    family = "amazon"
    method = "POST"


class AmazonSearchProducts(AmazonAction):
    """Search Amazon products you can promote, by marketplace, brand, ASINs, promo codes or ACC campaigns.

    One page per call: `list` holds products (product_id, product_name, asin, brand_name, brand_id,
    country_code, original_price, discount_price, currency, commission, rating, reviews, url, ...);
    `has_more` says whether another page follows.
    """

    endpoint = "get_fba_products"
    tool_name = "amazon_search_products"
    paging = _has_more(100, id_key="product_id")

    page: int | None = _page()
    page_size: int | None = _page_size()
    default_filter: Flag | None = Field(None, description="1 to apply the default filter")
    country_code: CountryCode | None = Field(None, description="Marketplace country, e.g. US")
    brand_id: str | None = Field(None, description="Only this brand")
    sort: str | None = Field(None, description="Sort order")
    asins: Asins | None = Field(None, description="Only these ASINs")
    relationship: int | None = Field(None, ge=0, description="Relationship filter (public clients send 1)")
    is_original_currency: Flag | None = Field(None, description="1 for prices in the marketplace currency")
    has_promo_code: Flag | None = Field(None, description="1 for products with a promo code")
    has_acc: Flag | None = Field(None, description="1 for products in a Creator Connections campaign")
    filter_sexual_wellness: Flag | None = Field(None, description="1 to leave out sexual wellness products")


class AmazonLinksFromProducts(AmazonAction):
    """Make tracking links for product ids returned by amazon_search_products.

    Returns product_id, link and partnerboost_link for each product.
    """

    endpoint = "get_fba_products_link"
    tool_name = "amazon_links_from_products"
    example = {"product_ids": "101,102"}

    product_ids: CommaList = Field(min_length=1, description="Product ids")


class AmazonLinksFromAsins(AmazonAction):
    """Make tracking links for up to 50 ASINs in one marketplace.

    Returns asin, link, partnerboost_link and link_id per ASIN, and `error_list` ({asin, message}) for the
    ASINs that failed.
    """

    endpoint = "get_amazon_link_by_asin"
    tool_name = "amazon_links_from_asins"
    example = {"asins": "B0C1234567", "country_code": "US"}

    asins: AsinsForLinks = Field(description="ASINs, at most 50")
    country_code: CountryCode = Field(description="Marketplace country, e.g. US")
    uid: str | None = Field(None, description="Your tracking variable")
    return_partnerboost_link: Flag | None = Field(None, description="1 to include the PartnerBoost link")


class AmazonListBrands(AmazonAction):
    """List the Amazon brands you are partnered with.

    One page per call: `list` holds brands (bid, brand_name, amazon_store_url); `has_more` says whether
    another page follows.
    """

    endpoint = "get_amazon_joined_brands"
    tool_name = "amazon_list_brands"
    paging = _has_more(100, id_key="bid")

    page: int | None = _page()
    page_size: int | None = _page_size()


class AmazonStorefrontLinks(AmazonAction):
    """Make storefront tracking links for partnered brands (bids from amazon_list_brands).

    Returns the links per bid, and `error_list` for the bids that failed.
    """

    endpoint = "get_fba_brand_link"
    tool_name = "amazon_storefront_links"
    example = {"bids": "9001"}

    bids: CommaList = Field(min_length=1, description="Brand ids (bid)")
    uid: str | None = Field(None, description="Your tracking variable")


class AmazonCheckLinks(AmazonAction):
    """Check whether tracking links (by link_id) are still trackable.

    Returns a status per link. The operation and parameter names are inferred.
    """

    endpoint = "check_link_trackable"
    tool_name = "amazon_check_links"
    example = {"link_ids": "55"}
    inferred = True
    inferred_parameters = ("link_ids",)

    link_ids: CommaList = Field(min_length=1, alias="link_ids",
                                description="Link ids from amazon_links_from_asins")


class AmazonReport(AmazonAction):
    """Amazon conversion report for your tracking links: orders, sales and estimated commission by ASIN.

    One page per call: `list` holds rows (asin, quantity, sales, estCommission, ...); `has_more` says whether
    another page follows.
    """

    endpoint = "get_amazon_report"
    tool_name = "amazon_report"
    frozen_end = FrozenEnd("end_date", "start_date")
    inferred_parameters = ("order_ids",)
    paging = _has_more(500)

    page: int | None = _page()
    page_size: int | None = _page_size()
    start_date: CompactDate | None = Field(None, description="First day; ISO date or YYYYMMDD")
    end_date: CompactDate | None = Field(None, description="Last day; ISO date or YYYYMMDD")
    marketplace: str | None = Field(None, description="Marketplace, e.g. US")
    asins: Asins | None = Field(None, description="Only these ASINs")
    ad_group_ids: CommaList | None = Field(None, alias="adGroupIds", description="Only these ad groups")
    order_ids: CommaList | None = Field(None, alias="order_ids",
                                        description="Only these order ids (parameter name inferred)")

    @model_validator(mode="after")
    def _date_order(self) -> AmazonReport:
        check_time_order(self.start_date, self.end_date, "start_date", "end_date")
        return self


class AmazonAssociatesProducts(AmazonAction):
    """Latest ASINs from the Amazon Associates program, by region.

    One page per call: `list` holds products; `has_more` says whether another page follows.
    """

    endpoint = "get_latest_associates_products"
    tool_name = "amazon_associates_products"
    paging = _has_more(100, id_key="asin")

    page: int | None = _page()
    page_size: int | None = _page_size()
    region: str | None = Field(None, description="Region, e.g. US")
    filter_sexual_wellness: Flag | None = Field(None, description="1 to leave out sexual wellness products")


class AmazonAccProducts(AmazonAction):
    """Latest ASINs in Amazon Creator Connections (ACC) campaigns, with their commission and budget.

    One page per call: `list` holds rows (acc_campaign_id, bid, brand_name, asin, commission,
    acc_commission_rate, acc_start_date, acc_end_date, acc_budget, acc_spend, acc_currency); `has_more` says
    whether another page follows.
    """

    endpoint = "get_latest_acc_products"
    tool_name = "amazon_acc_products"
    paging = _has_more(100)

    page: int | None = _page()
    page_size: int | None = _page_size()


AMAZON_ACTIONS: tuple[type[Action], ...] = (
    AmazonSearchProducts,
    AmazonLinksFromProducts,
    AmazonLinksFromAsins,
    AmazonListBrands,
    AmazonStorefrontLinks,
    AmazonCheckLinks,
    AmazonReport,
    AmazonAssociatesProducts,
    AmazonAccProducts,
)
