"""Column names of the data frames passed between modules (the RecTools habit)."""


class Columns:
    """Names every frame uses; modules import these, never string literals."""

    User = "user_id"
    Item = "item_id"
    Weight = "weight"
    Datetime = "datetime"
    Score = "score"
    Rank = "rank"
    Kind = "kind"

    Interactions = [User, Item, Weight, Datetime]
    Recommendations = [User, Item, Score, Rank]
