"""schema.org JobPosting in HTML (JSON-LD and microdata) -> RawPosting, on realistic Indonesian postings."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jobs_ingest.crawl.html_text import html_to_text
from jobs_ingest.crawl.jobposting import JSON_LD, MICRODATA, FoundPosting, extract_job_postings, is_job_posting
from jobs_ingest.crawl.mapping import location_text_of, salary_text_of, to_raw_posting, to_rejected_row
from jobs_ingest.salary import parse_salary

PAGE = "https://loker.example.id/lowongan/staf-admin-gudang?ref=home#detail"

STAF_ADMIN_GUDANG = {
    "@context": "https://schema.org/",
    "@type": "JobPosting",
    "title": "Staf Admin Gudang",
    "description": "<p>Mengelola <b>stok</b> gudang.</p><ul><li>Min. SMA/SMK</li><li>Bisa Ms. Excel</li></ul>",
    "identifier": {"@type": "PropertyValue", "name": "PT Sinar Logistik Nusantara", "value": "SLN-2024-017"},
    "datePosted": "2024-08-19",
    "validThrough": "2024-09-30T23:59:59+07:00",
    "employmentType": "FULL_TIME",
    "hiringOrganization": {"@type": "Organization", "name": "PT Sinar Logistik Nusantara", "sameAs": "https://sinarlogistik.co.id"},
    "jobLocation": {
        "@type": "Place",
        "address": {
            "@type": "PostalAddress",
            "streetAddress": "Jl. Raya Waru No. 12",
            "addressLocality": "Kabupaten Sidoarjo",
            "addressRegion": "Jawa Timur",
            "addressCountry": "ID",
        },
    },
    "baseSalary": {
        "@type": "MonetaryAmount",
        "currency": "IDR",
        "value": {"@type": "QuantitativeValue", "minValue": 4500000, "maxValue": 5500000, "unitText": "MONTH"},
    },
    "industry": "Transportasi dan Pergudangan",
    "occupationalCategory": "Logistik",
}

MICRODATA_PAGE = """<!DOCTYPE html><html lang="id"><head><meta charset="utf-8"></head><body>
<div itemscope itemtype="https://schema.org/JobPosting">
  <h1 itemprop="title">Staf Admin Gudang</h1>
  <div itemprop="hiringOrganization" itemscope itemtype="https://schema.org/Organization">
    <span itemprop="name">PT Sinar Logistik Nusantara</span>
    <link itemprop="sameAs" href="https://sinarlogistik.co.id">
  </div>
  <div itemprop="jobLocation" itemscope itemtype="https://schema.org/Place">
    <div itemprop="address" itemscope itemtype="https://schema.org/PostalAddress">
      <span itemprop="addressLocality">Kabupaten Sidoarjo</span>, <span itemprop="addressRegion">Jawa Timur</span>
      <meta itemprop="addressCountry" content="ID">
    </div>
  </div>
  <div itemprop="baseSalary" itemscope itemtype="https://schema.org/MonetaryAmount">
    <meta itemprop="currency" content="IDR">
    <div itemprop="value" itemscope itemtype="https://schema.org/QuantitativeValue">
      Rp<span itemprop="minValue" content="4500000">4.500.000</span> -
      Rp<span itemprop="maxValue" content="5500000">5.500.000</span>
      <meta itemprop="unitText" content="MONTH">/bulan
    </div>
  </div>
  <span itemprop="employmentType">FULL_TIME</span>
  <time itemprop="datePosted" datetime="2024-08-19">19 Agustus 2024</time>
  <div itemprop="description"><p>Mengelola stok gudang.</p><ul><li>Min. SMA/SMK</li></ul></div>
</div></body></html>"""


def json_ld_page(*blocks: object, head: str = "") -> str:
    scripts = "".join(
        f'<script type="application/ld+json">{b if isinstance(b, str) else json.dumps(b)}</script>' for b in blocks
    )
    return f'<!DOCTYPE html><html lang="id"><head><meta charset="utf-8">{head}{scripts}</head><body></body></html>'


def only_posting(html: str, url: str = PAGE):
    page = extract_job_postings(html, url)
    assert len(page.postings) == 1, page
    return to_raw_posting(page.postings[0], source="loker-example", page_url=url, canonical_url=page.canonical_url)


def found(job: dict) -> FoundPosting:
    return FoundPosting(data=job, syntax=JSON_LD)


# --------------------------------------------------------------------------
# finding JobPostings in a page
# --------------------------------------------------------------------------


def test_json_ld_posting_maps_every_field():
    posting = only_posting(json_ld_page(STAF_ADMIN_GUDANG))
    assert posting.source == "loker-example"
    assert posting.source_id == "SLN-2024-017"
    assert posting.title == "Staf Admin Gudang"
    assert posting.company == "PT Sinar Logistik Nusantara"
    assert posting.company_url == "https://sinarlogistik.co.id"
    assert posting.location_text == "Kabupaten Sidoarjo, Jawa Timur, Indonesia"
    assert posting.salary_text == "IDR 4500000 - 5500000 per month"
    assert posting.salary_currency == "IDR"
    assert posting.employment_type_text == "FULL_TIME"
    assert posting.posted_at == "2024-08-19"
    assert posting.apply_end == "2024-09-30T23:59:59+07:00"
    assert posting.department == "Logistik"
    assert posting.description == "Mengelola stok gudang.\nMin. SMA/SMK\nBisa Ms. Excel"
    assert posting.url == "https://loker.example.id/lowongan/staf-admin-gudang?ref=home"
    assert posting.is_active is True
    assert posting.raw["job_posting"]["title"] == "Staf Admin Gudang" and posting.raw["syntax"] == JSON_LD


def test_microdata_posting_maps_like_json_ld():
    from_microdata = only_posting(MICRODATA_PAGE)
    from_json_ld = only_posting(json_ld_page(STAF_ADMIN_GUDANG))
    assert from_microdata.raw["syntax"] == MICRODATA
    for field in ("title", "company", "company_url", "location_text", "salary_text", "salary_currency",
                  "employment_type_text", "posted_at"):
        assert getattr(from_microdata, field) == getattr(from_json_ld, field), field
    assert from_microdata.description == "Mengelola stok gudang.\n\nMin. SMA/SMK"
    # no identifier on the page: the canonical URL stands in
    assert from_microdata.source_id == "https://loker.example.id/lowongan/staf-admin-gudang?ref=home"


def test_graph_posting_with_organization_by_id_reference():
    graph = {
        "@context": "https://schema.org",
        "@graph": [
            {"@type": "WebPage", "@id": "https://loker.example.id/#page", "name": "Lowongan"},
            {"@type": "Organization", "@id": "https://loker.example.id/#org", "name": "PT Sinar Logistik Nusantara",
             "url": "https://sinarlogistik.co.id"},
            {**{k: v for k, v in STAF_ADMIN_GUDANG.items() if k != "@context"},
             "hiringOrganization": {"@id": "https://loker.example.id/#org"}},
        ],
    }
    posting = only_posting(json_ld_page(graph))
    assert posting.company == "PT Sinar Logistik Nusantara"
    assert posting.company_url == "https://sinarlogistik.co.id"


def test_postings_in_a_top_level_list_and_an_item_list_are_all_found():
    second = {**STAF_ADMIN_GUDANG, "title": "Operator Forklift", "identifier": "SLN-2024-018"}
    item_list = {"@context": "https://schema.org", "@type": "ItemList",
                 "itemListElement": [{"@type": "ListItem", "position": 1, "item": second}]}
    breadcrumb = {"@type": "BreadcrumbList", "itemListElement": []}
    page = extract_job_postings(json_ld_page([breadcrumb, STAF_ADMIN_GUDANG], item_list), PAGE)
    assert [p.data["title"] for p in page.postings] == ["Staf Admin Gudang", "Operator Forklift"]


@pytest.mark.parametrize("type_name", ["JobPosting", "schema:JobPosting", "http://schema.org/JobPosting",
                                       "https://schema.org/JobPosting/", ["Thing", "JobPosting"]])
def test_job_posting_type_spellings(type_name):
    assert is_job_posting({"@type": type_name})


@pytest.mark.parametrize("node", [{"@type": "JobPostingList"}, {"@type": "Organization"}, {"title": "x"}, "JobPosting", None])
def test_other_nodes_are_not_job_postings(node):
    assert not is_job_posting(node)


def test_a_broken_json_ld_block_is_reported_and_does_not_hide_the_others():
    broken = '{"@context": "https://schema.org", "@type": "JobPosting", "title": "Helper Gudang",, }'
    page = extract_job_postings(json_ld_page(broken, STAF_ADMIN_GUDANG), PAGE)
    assert [p.data["title"] for p in page.postings] == ["Staf Admin Gudang"]
    [block] = page.invalid_blocks
    assert block.mentions_job_posting
    assert "Helper Gudang" in block.text and block.error
    rejected = to_rejected_row(block, source="loker-example", page_url=PAGE)
    assert rejected.reason.startswith(f"invalid JSON-LD on {PAGE}: ")
    assert rejected.raw["text"] == block.text


def test_a_broken_block_about_something_else_does_not_look_like_a_posting():
    page = extract_job_postings(json_ld_page('{"@type": "Organization", "name": "Loker"'), PAGE)
    assert page.postings == () and not page.invalid_blocks[0].mentions_job_posting


def test_page_without_job_posting():
    page = extract_job_postings(json_ld_page({"@type": "Organization", "name": "Loker Jatim"}), PAGE)
    assert page.postings == () and page.invalid_blocks == ()


@pytest.mark.parametrize("body", [b"", b"  \n", b"<!-- kosong -->", b'<?xml version="1.0"?>', "\u00a0"])
def test_empty_documents_have_no_postings(body):
    assert extract_job_postings(body, PAGE) == extract_job_postings(b"<html></html>", PAGE)


def test_absurdly_nested_json_ld_is_an_unreadable_block():
    page = extract_job_postings(json_ld_page("[" * 5000 + "]" * 5000), PAGE)
    assert page.postings == () and "recursion" in page.invalid_blocks[0].error


def test_missing_title_is_passed_on_for_quarantine_and_name_is_a_fallback():
    untitled = {k: v for k, v in STAF_ADMIN_GUDANG.items() if k != "title"}
    assert only_posting(json_ld_page(untitled)).title is None
    assert only_posting(json_ld_page({**untitled, "name": "Staf Gudang"})).title == "Staf Gudang"


def test_reference_cycles_do_not_loop():
    job = {**STAF_ADMIN_GUDANG, "@id": "#job", "hiringOrganization": {"@id": "#org"}}
    org = {"@type": "Organization", "@id": "#org", "name": "PT Sinar", "employee": {"@id": "#org"}}
    page = extract_job_postings(json_ld_page({"@graph": [job, org]}), PAGE)
    assert page.postings[0].data["hiringOrganization"]["name"] == "PT Sinar"


def test_canonical_link_resolves_against_the_page():
    page = extract_job_postings(json_ld_page(STAF_ADMIN_GUDANG, head='<link rel="canonical" href="/lowongan/17">'), PAGE)
    assert page.canonical_url == "https://loker.example.id/lowongan/17"


# --------------------------------------------------------------------------
# single properties
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("identifier", "expected"),
    [
        ("SLN-17", "SLN-17"),
        (90417, "90417"),
        ({"@type": "PropertyValue", "name": "PT Sinar", "value": "A-1"}, "A-1"),
        ({"@type": "PropertyValue", "propertyID": "sinar", "value": 7}, "7"),
        ([{"@type": "PropertyValue", "value": "first"}, {"value": "second"}], "first"),
        (None, "https://loker.example.id/lowongan/staf-admin-gudang?ref=home"),
        ("  ", "https://loker.example.id/lowongan/staf-admin-gudang?ref=home"),
    ],
)
def test_identifier_becomes_source_id_else_the_url(identifier, expected):
    job = {**STAF_ADMIN_GUDANG, "identifier": identifier}
    assert to_raw_posting(found(job), source="s", page_url=PAGE).source_id == expected


def test_posting_url_property_wins_over_the_page():
    job = {**STAF_ADMIN_GUDANG, "identifier": None, "url": "/loker/17#apply"}
    posting = to_raw_posting(found(job), source="s", page_url=PAGE, canonical_url="https://loker.example.id/x")
    assert posting.url == posting.source_id == "https://loker.example.id/loker/17"


@pytest.mark.parametrize(
    ("job", "expected"),
    [
        ({"jobLocationType": "TELECOMMUTE"}, "Remote"),
        ({"jobLocationType": "TELECOMMUTE", "applicantLocationRequirements": {"@type": "Country", "name": "Indonesia"}},
         "Remote (Indonesia)"),
        ({"jobLocationType": ["TELECOMMUTE"], "applicantLocationRequirements": [{"name": "ID"}, {"name": "SG"}]},
         "Remote (Indonesia, Singapore)"),
        ({"jobLocationType": "TELECOMMUTE", "jobLocation": {"address": {"addressLocality": "Kota Surabaya"}}},
         "Remote / Kota Surabaya"),
        ({"jobLocation": [{"address": {"addressLocality": "Kota Surabaya", "addressRegion": "Jawa Timur"}},
                          {"address": {"addressLocality": "Kabupaten Sidoarjo", "addressRegion": "Jawa Timur"}}]},
         "Kota Surabaya, Jawa Timur / Kabupaten Sidoarjo, Jawa Timur"),
        ({"jobLocation": {"address": "Kabupaten Bogor, Jawa Barat"}}, "Kabupaten Bogor, Jawa Barat"),
        ({"jobLocation": {"@type": "Place", "name": "Kawasan Industri Jababeka"}}, "Kawasan Industri Jababeka"),
        ({"jobLocation": {"address": {"addressLocality": "Makati", "addressCountry": {"@type": "Country", "name": "PH"}}}},
         "Makati, Philippines"),
        ({"jobLocation": {"address": {"addressLocality": "Jakarta", "addressRegion": "Jakarta"}}}, "Jakarta"),
        ({}, None),
    ],
)
def test_location_text(job, expected):
    assert location_text_of(job) == expected


@pytest.mark.parametrize(
    ("salary", "text", "currency"),
    [
        ({"@type": "MonetaryAmount", "currency": "IDR",
          "value": {"@type": "QuantitativeValue", "minValue": 4500000, "maxValue": 5500000, "unitText": "MONTH"}},
         "IDR 4500000 - 5500000 per month", "IDR"),
        ({"currency": "idr", "value": {"value": 150000.0, "unitText": "DAY"}}, "IDR 150000 per day", "IDR"),
        ({"currency": "IDR", "value": 5200000}, "IDR 5200000", "IDR"),
        ({"currency": "IDR", "minValue": "4000000", "maxValue": "4000000", "value": {"unitText": "month"}},
         "IDR 4000000 per month", "IDR"),
        ({"currency": "IDR", "value": {"minValue": "4.500.000", "unitText": "MONTH"}}, "IDR 4.500.000 per month", "IDR"),
        ({"currency": "USD", "value": {"value": 12.5, "unitText": "HOUR"}}, "USD 12.5 per hour", "USD"),
        ({"value": {"minValue": 3000000, "maxValue": 3500000}}, "3000000 - 3500000", None),
        ("Rp 5.000.000 - 7.000.000", "Rp 5.000.000 - 7.000.000", None),
        (5000000, "5000000", None),
        ({"currency": "IDR", "value": {"unitText": "MONTH"}}, None, "IDR"),
        (None, None, None),
    ],
)
def test_salary_text(salary, text, currency):
    assert salary_text_of(salary) == (text, currency)


def test_estimated_salary_when_no_base_salary():
    job = {**STAF_ADMIN_GUDANG, "baseSalary": None,
           "estimatedSalary": {"currency": "IDR", "value": {"minValue": 4000000, "maxValue": 5000000, "unitText": "MONTH"}}}
    assert to_raw_posting(found(job), source="s", page_url=PAGE).salary_text == "IDR 4000000 - 5000000 per month"


@pytest.mark.parametrize(
    ("salary", "monthly"),
    [
        ({"currency": "IDR", "value": {"minValue": 4500000, "maxValue": 5500000, "unitText": "MONTH"}}, (4_500_000, 5_500_000)),
        ({"currency": "IDR", "value": {"minValue": 150000, "maxValue": 200000, "unitText": "DAY"}}, (3_300_000, 4_400_000)),
        ({"currency": "IDR", "value": {"value": 25000, "unitText": "HOUR"}}, (4_325_000, 4_325_000)),
        ({"currency": "IDR", "value": {"value": 60000000, "unitText": "YEAR"}}, (5_000_000, 5_000_000)),
        ({"currency": "IDR", "value": {"minValue": "4.500.000", "unitText": "MONTH"}}, (4_500_000, 4_500_000)),
    ],
)
def test_salary_text_is_read_by_the_salary_parser(salary, monthly):
    text, _currency = salary_text_of(salary)
    parsed = parse_salary(text)
    assert (parsed.min_idr, parsed.max_idr) == monthly and parsed.problem is None


@settings(max_examples=60, deadline=None)
@given(
    low=st.integers(min_value=500_000, max_value=50_000_000),
    spread=st.integers(min_value=0, max_value=20_000_000),
    as_text=st.booleans(),
)
def test_monthly_ranges_survive_mapping_and_parsing(low, spread, as_text):
    high = low + spread
    value = {"minValue": str(low) if as_text else low, "maxValue": str(high) if as_text else high, "unitText": "MONTH"}
    parsed = parse_salary(salary_text_of({"currency": "IDR", "value": value})[0])
    assert (parsed.min_idr, parsed.max_idr) == (low, high)


def test_employment_type_list_and_department_fallbacks():
    job = {**STAF_ADMIN_GUDANG, "employmentType": ["FULL_TIME", "CONTRACTOR", "FULL_TIME"],
           "occupationalCategory": {"@type": "CategoryCode", "codeValue": "4321", "name": "Petugas pencatat persediaan"}}
    posting = to_raw_posting(found(job), source="s", page_url=PAGE)
    assert posting.employment_type_text == "FULL_TIME, CONTRACTOR"
    assert posting.department == "Petugas pencatat persediaan"
    no_category = {k: v for k, v in STAF_ADMIN_GUDANG.items() if k != "occupationalCategory"}
    assert to_raw_posting(found(no_category), source="s", page_url=PAGE).department == "Transportasi dan Pergudangan"


def test_organization_as_plain_string():
    posting = to_raw_posting(found({**STAF_ADMIN_GUDANG, "hiringOrganization": "CV Busana Rapi"}), source="s", page_url=PAGE)
    assert posting.company == "CV Busana Rapi" and posting.company_url is None


@pytest.mark.parametrize(
    ("markup", "text"),
    [
        ("<p>Mengelola stok.</p><ul><li>SMA/SMK</li><li>Teliti &amp; jujur</li></ul>", "Mengelola stok.\nSMA/SMK\nTeliti & jujur"),
        ("&lt;p&gt;Shift sore 16.00&amp;ndash;22.00&lt;/p&gt;", "Shift sore 16.00–22.00"),
        ("Gaji 5 &gt; 4 juta", "Gaji 5 > 4 juta"),
        ("baris satu<br>baris dua<script>alert(1)</script>", "baris satu\nbaris dua"),
        ("  \n ", None),
        (None, None),
    ],
)
def test_html_to_text(markup, text):
    assert html_to_text(markup) == text


@settings(max_examples=80, deadline=None)
@given(st.text(max_size=300))
def test_extraction_never_raises_on_arbitrary_pages(text):
    page = extract_job_postings(json_ld_page(text) + text, PAGE)
    for posting in page.postings:
        to_raw_posting(posting, source="s", page_url=PAGE)


@pytest.mark.parametrize(
    ("job", "kind", "regency_code", "remote"),
    [
        (STAF_ADMIN_GUDANG, "regency", "3515", False),
        ({"jobLocation": {"address": {"addressLocality": "Cikarang", "addressRegion": "Jawa Barat", "addressCountry": "ID"}}},
         "regency", "3216", False),
        ({"jobLocationType": "TELECOMMUTE", "applicantLocationRequirements": {"@type": "Country", "name": "ID"}},
         "remote", None, True),
        ({"jobLocation": {"address": {"addressLocality": "Makati", "addressCountry": "PH"}}}, "foreign", None, False),
    ],
)
def test_location_text_is_read_by_the_location_resolver(job, kind, regency_code, remote):
    from jobs_ingest.locations import resolve_location

    location = resolve_location(location_text_of(job))
    assert (location.kind, location.regency_code, location.remote) == (kind, regency_code, remote)


SCHEMA_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(
        st.sampled_from(["@type", "@id", "name", "value", "minValue", "maxValue", "unitText", "currency", "address",
                         "addressLocality", "addressRegion", "addressCountry", "sameAs", "url", "@value",
                         "monthsOfExperience", "credentialCategory"]),
        children, max_size=4),
    max_leaves=12,
)
MAPPED_PROPERTIES = ["title", "name", "identifier", "url", "hiringOrganization", "jobLocation", "jobLocationType",
                     "applicantLocationRequirements", "baseSalary", "estimatedSalary", "employmentType", "datePosted",
                     "validThrough", "description", "occupationalCategory", "industry", "skills", "qualifications",
                     "educationRequirements", "experienceRequirements"]


@settings(max_examples=150, deadline=None)
@given(st.dictionaries(st.sampled_from(MAPPED_PROPERTIES), SCHEMA_VALUES, max_size=8))
def test_mapping_is_total_on_any_shape_of_values(properties):
    posting = to_raw_posting(found({"@type": "JobPosting", **properties}), source="s", page_url=PAGE)
    assert posting.source_id and posting.url
    for field in ("title", "company", "location_text", "salary_text", "employment_type_text", "department"):
        assert getattr(posting, field) is None or isinstance(getattr(posting, field), str)


def test_requirements_kept_apart_are_appended_to_the_description():
    job = {
        **STAF_ADMIN_GUDANG,
        "skills": ["Microsoft Excel", {"@type": "DefinedTerm", "name": "Forklift"}, "Microsoft Excel"],
        "qualifications": "<ul><li>Teliti</li><li>Jujur</li></ul>",
        "educationRequirements": {"@type": "EducationalOccupationalCredential", "credentialCategory": "high school"},
        "experienceRequirements": {"@type": "OccupationalExperienceRequirements", "monthsOfExperience": 12},
    }
    description = to_raw_posting(found(job), source="s", page_url=PAGE).description
    assert description.split("\n\n") == [
        "Mengelola stok gudang.\nMin. SMA/SMK\nBisa Ms. Excel",
        "Keterampilan: Microsoft Excel, Forklift",
        "Kualifikasi: Teliti Jujur",
        "Pendidikan: high school",
        "Pengalaman: 12 bulan",
    ]
    only_skills = {k: v for k, v in job.items() if k not in ("description", "qualifications", "educationRequirements",
                                                             "experienceRequirements")}
    assert to_raw_posting(found(only_skills), source="s", page_url=PAGE).description == "Keterampilan: Microsoft Excel, Forklift"
