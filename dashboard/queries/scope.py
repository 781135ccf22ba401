"""What part of the programme a query covers: everything, or one province.

A provincial manager's province is passed down from the signed-in account,
never from a widget, so no page can widen it.
"""

from __future__ import annotations

from sqlalchemy import Select

from prakerja.models import Participant, Regency


def participants_in_scope(query: Select, province_code: str | None, *, with_regency: bool = True) -> Select:
    """Keep one province when given, joining the participant's regency for it.

    ``with_regency=False`` skips the join when nothing else needs the regency
    (province, urban/rural): on a million participants the join is a third of
    the work.
    """
    if province_code is None and not with_regency:
        return query
    query = query.join(Regency, Regency.code == Participant.regency_code)
    if province_code is not None:
        query = query.where(Regency.province_code == province_code)
    return query
