"""One router per resource: participants, vacancies, models, health."""
