"""Names of the attribute columns the database gives users and items (filters and explanations read them).

Attributes are not ranking features: they are facts used to filter
(region, coordinates, wage, status) and to explain (distance, wage gain).
"""


class UserAttr:
    """Columns of ``Dataset.user_attributes`` (row i = user row i)."""

    Regency = "regency_code"
    Province = "province_code"
    Latitude = "latitude"
    Longitude = "longitude"
    WageBefore = "wage_before_idr"
    Reach = "reach"  # recommender.reach kind, the default filled in
    CommuteKm = "commute_km"


class ItemAttr:
    """Columns of ``Dataset.item_attributes`` (row i = item row i)."""

    Active = "active"
    Regency = "regency_code"
    Province = "province_code"
    Latitude = "latitude"
    Longitude = "longitude"
    Remote = "remote"
    SalaryMin = "salary_min_idr"
    SalaryMax = "salary_max_idr"
    EmploymentTypes = "employment_types"
    Title = "title"
    PostedAt = "posted_at"
