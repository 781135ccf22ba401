"""Every number the demo world is calibrated to, with its source.

docs/demo-data.md repeats these with the reasoning; change a number here and
there together. Figures marked "public reporting" are the Prakerja management
office (PMO) and BPS figures quoted in DESIGN.md or remembered from their
2020-2021 reports; figures marked "assumption" are the project's own choices,
made plausible but not taken from a source.
"""

from __future__ import annotations

import datetime as dt

# --------------------------------------------------------------------------
# Time line
# --------------------------------------------------------------------------

# Opening date and relative size of the 21 waves (gelombang). Public reporting: waves 1-3 in
# April 2020, a pause for the mid-2020 review, waves 4-11 from August to November 2020
# (5.6 million beneficiaries in 2020), waves 12-21 in the first half of 2021 ("21 waves by mid-2021").
# Dates are rounded to the announcement week; sizes are in thousands and approximate.
WAVE_OPENINGS: tuple[dt.date, ...] = (
    dt.date(2020, 4, 11), dt.date(2020, 4, 20), dt.date(2020, 4, 26), dt.date(2020, 8, 1),
    dt.date(2020, 8, 15), dt.date(2020, 8, 26), dt.date(2020, 9, 5), dt.date(2020, 9, 19),
    dt.date(2020, 10, 3), dt.date(2020, 10, 24), dt.date(2020, 11, 7), dt.date(2021, 2, 20),
    dt.date(2021, 3, 6), dt.date(2021, 3, 20), dt.date(2021, 4, 3), dt.date(2021, 4, 17),
    dt.date(2021, 5, 1), dt.date(2021, 5, 15), dt.date(2021, 5, 29), dt.date(2021, 6, 12),
    dt.date(2021, 6, 26),
)
WAVE_SIZES_THOUSANDS: tuple[int, ...] = (
    168, 288, 293, 800, 800, 600, 600, 500, 500, 700, 600,
    600, 600, 600, 600, 600, 500, 500, 500, 500, 400,
)
# The world's "today": vacancies still open then are active, everything after it is unobserved.
WORLD_TODAY = dt.date(2021, 12, 31)
# Vacancies are posted from this date until WORLD_TODAY (the first completions come in late April 2020).
VACANCIES_FROM = dt.date(2020, 4, 1)

# --------------------------------------------------------------------------
# Participants (public reporting unless marked)
# --------------------------------------------------------------------------

SHARE_FEMALE = 0.49  # PMO: about half of beneficiaries are women (48-50% across 2020-2021)
SHARE_DISABILITY = 0.004  # assumption near PMO reporting: some tens of thousands of 11.4 million
# Age at registration 18-64 (programme rule); PMO: about two thirds are 18-35.
AGE_BANDS: tuple[tuple[int, int, float], ...] = (
    (18, 25, 0.30), (26, 35, 0.37), (36, 45, 0.20), (46, 55, 0.10), (56, 64, 0.03),
)
# Highest education (vocab.EDUCATION_LEVELS). PMO 2020: most finished senior high school
# (SMA/SMK ~58%), about a quarter have a diploma or degree.
EDUCATION_SHARES: dict[str, float] = {
    "sd": 0.05, "smp": 0.11, "sma": 0.38, "smk": 0.20, "diploma": 0.07, "s1": 0.18, "s2": 0.01,
}
# Employment before training. Assumption from the 2020 PMO/BPS surveys: most beneficiaries were
# job seekers or laid off in the pandemic; a quarter wage workers; the rest micro businesses.
EMPLOYMENT_SHARES: dict[str, float] = {"unemployed": 0.60, "employed": 0.25, "self_employed": 0.15}
# DESIGN.md: wage about Rp1.3 million/month, micro-business turnover about Rp1.1 million.
# Log-normal around those medians; the spreads are assumptions.
WAGE_MEDIAN_IDR = 1_300_000
WAGE_LOG_SIGMA = 0.45
TURNOVER_MEDIAN_IDR = 1_100_000
TURNOVER_LOG_SIGMA = 0.60
SHARE_UNEMPLOYED_WITH_PAST_JOB = 0.55  # assumption: laid-off workers still carry a prior occupation
SHARE_FIRST_TIME_TRAINEES = 0.87  # BPS survey: 87% had never trained before
SHARE_COMPLETING = 0.99  # PMO: 99% completed at least one training
SHARE_DECLARING_SKILLS = 0.70  # assumption: share who declare any skill at registration

# Prior occupation of those who worked, by KBJI major group (first digit). Assumption shaped by
# Sakernas employment by occupation for workers with at most upper-secondary schooling.
PRIOR_OCCUPATION_MAJOR_SHARES: dict[str, float] = {
    "1": 0.01, "2": 0.04, "3": 0.05, "4": 0.10, "5": 0.35, "6": 0.10, "7": 0.12, "8": 0.08, "9": 0.15,
}

# --------------------------------------------------------------------------
# Training
# --------------------------------------------------------------------------

# Courses per participant: 1 + Poisson(mean) capped; the Rp1,000,000 budget buys 1-3 courses.
EXTRA_COURSES_MEAN = 0.6
MAX_COURSES = 4
START_DELAY_DAYS = (1, 30)  # registration -> first course start, uniform (assumption)
COURSE_DAYS_PER_HOUR = 0.5  # completion after hours * this + 1-14 days (assumption)
SHARE_EXTRA_COURSES_COMPLETED = 0.85  # further courses are completed less often (assumption)
# Course choice score = taste of the course's occupation groups + these terms + Gumbel noise.
COURSE_CHOICE_PRIOR_OCCUPATION_BONUS = 1.0
COURSE_CHOICE_OFFLINE_AWAY_PENALTY = 6.0  # offline course outside the home province: rarely chosen
COURSE_CHOICE_OFFLINE_AWAY_REGENCY_PENALTY = 1.0  # offline in the province but another regency
COURSE_POPULARITY_ZIPF = 0.6  # a few courses are far more popular (catalogue rank ** -s)

# --------------------------------------------------------------------------
# Hidden taste over occupation major groups
# --------------------------------------------------------------------------

# Mean taste by education (rows) and major group "1".."9" (columns): schooling shifts people
# towards office and professional work. Assumption.
TASTE_BY_EDUCATION: dict[str, tuple[float, ...]] = {
    "sd": (-1.5, -2.0, -1.0, -0.8, 0.5, 0.6, 0.6, 0.5, 0.8),
    "smp": (-1.2, -1.5, -0.6, -0.4, 0.6, 0.4, 0.6, 0.6, 0.6),
    "sma": (-0.6, -0.6, 0.0, 0.4, 0.6, 0.0, 0.2, 0.3, 0.0),
    "smk": (-0.6, -0.6, 0.4, 0.2, 0.4, -0.2, 0.6, 0.5, -0.2),
    "diploma": (-0.2, 0.2, 0.6, 0.6, 0.3, -0.6, 0.0, -0.2, -0.8),
    "s1": (0.2, 0.8, 0.6, 0.6, 0.2, -0.8, -0.4, -0.6, -1.2),
    "s2": (0.6, 1.2, 0.6, 0.2, -0.2, -1.2, -0.8, -1.0, -1.5),
}
TASTE_PRIOR_OCCUPATION_BONUS = 1.0
TASTE_NOISE_SD = 0.8

# --------------------------------------------------------------------------
# Vacancies
# --------------------------------------------------------------------------

PARTICIPANTS_PER_VACANCY = 10
MIN_VACANCIES = 1_500  # small worlds still need a market in every province
MAX_VACANCIES = 100_000
SHARE_REMOTE = 0.025  # the shared 2024 board scrape: 2.3% remote
# Regional weight = population x urban factor x metro factor + a floor, so vacancies sit where the
# economy is but every regency has some. The shared 2024 scrape puts 59% of (mostly white-collar)
# postings in DKI Jakarta; Prakerja-relevant jobs are more spread, so DKI gets ~20%.
URBAN_FACTOR = 2.0
JAKARTA_PROVINCE = "31"
JAKARTA_FACTOR = 5.0
# Named, not coded: the shipped region table's codes differ from Kemendagri's for a few cities.
METRO_REGENCIES: tuple[str, ...] = (
    "Kota Surabaya", "Kota Bandung", "Kota Medan", "Kota Semarang", "Kota Makassar", "Kota Tangerang",
    "Kota Bekasi", "Kabupaten Bekasi", "Kota Batam", "Kota Depok", "Kota Palembang", "Kota Denpasar",
    "Kota Balikpapan", "Kabupaten Sidoarjo", "Kabupaten Tangerang", "Kota Tangerang Selatan",
)
METRO_FACTOR = 2.0
REGENCY_WEIGHT_FLOOR = 0.15  # fraction of the mean regency weight every regency gets at least
# The open market on the world's last day (assumption, docs/demo-data.md "The market today"): vacancies
# posted in the last weeks and still open, so that a participant anywhere has some within reach. Every
# regency gets at least CURRENT_MARKET_FLOOR; the rest follow population, cities somewhat above it
# (job boards list more urban jobs), with no Jakarta bonus: this is the market a participant can reach.
CURRENT_MARKET_FLOOR = 3
CURRENT_MARKET_PARTICIPANTS_PER_VACANCY = 20
CURRENT_MARKET_URBAN_FACTOR = 1.5
CURRENT_MARKET_WINDOW_DAYS = 28  # posted within this many days before the last day
CURRENT_MARKET_MIN_DAYS_LEFT = 7  # and open at least this long after it

# Share of vacancies by KBJI major group (assumption shaped by the shared board scrape and
# blue-collar boards: sales/service and clerical work lead).
VACANCY_MAJOR_SHARES: dict[str, float] = {
    "1": 0.05, "2": 0.14, "3": 0.16, "4": 0.15, "5": 0.25, "6": 0.03, "7": 0.08, "8": 0.09, "9": 0.05,
}
# Farm work is posted outside cities: in urban regencies (and remote) major group 6 is scaled by this.
URBAN_AGRICULTURE_FACTOR = 0.1
# Salary minimum = provincial minimum wage x multiplier x log-normal noise; max = min x U(1.1, 1.6).
SALARY_MULTIPLIER_BY_MAJOR: dict[str, float] = {
    "1": 2.2, "2": 1.7, "3": 1.35, "4": 1.1, "5": 1.0, "6": 0.9, "7": 1.05, "8": 1.05, "9": 0.9,
}
SALARY_LOG_SIGMA = 0.25
SALARY_SPREAD = (1.1, 1.6)
SHARE_SALARY_STATED = 0.6  # assumption: many boards hide the salary
# UMP 2021 (provincial minimum wage, IDR/month; Kemnaker decrees, rounded). The four provinces
# split from Papua in 2022 take their parent's value.
MINIMUM_WAGE_IDR: dict[str, int] = {
    "11": 3_165_031, "12": 2_499_423, "13": 2_484_041, "14": 2_888_564, "15": 2_630_161,
    "16": 3_144_446, "17": 2_215_000, "18": 2_432_001, "19": 3_230_022, "21": 3_005_460,
    "31": 4_416_186, "32": 1_810_351, "33": 1_798_979, "34": 1_765_000, "35": 1_868_777,
    "36": 2_460_996, "51": 2_494_000, "52": 2_183_883, "53": 1_950_000, "61": 2_399_698,
    "62": 2_903_144, "63": 2_877_448, "64": 2_981_378, "65": 3_000_803, "71": 3_310_723,
    "72": 2_303_711, "73": 3_165_876, "74": 2_552_014, "75": 2_788_826, "76": 2_678_863,
    "81": 2_604_961, "82": 2_721_530, "91": 3_516_700, "92": 3_134_600, "93": 3_516_700,
    "94": 3_516_700, "95": 3_516_700, "96": 3_134_600,
}
DEFAULT_MINIMUM_WAGE_IDR = 2_500_000
EMPLOYMENT_TYPE_SHARES: dict[str, float] = {
    "fullTime": 0.55, "contract": 0.25, "partTime": 0.08, "internship": 0.07, "freelance": 0.05,
}
# Lifetime in days: log-normal with median 28 and sigma 0.45 puts ~80% between 2 and 8 weeks.
LIFETIME_MEDIAN_DAYS = 28
LIFETIME_LOG_SIGMA = 0.45
LIFETIME_DAYS_RANGE = (7, 120)
REQUIRED_SKILLS_RANGE = (3, 6)  # skills a vacancy asks for, from its occupation group
SHARE_SKILLS_OPTIONAL = 0.2  # "nice to have" rather than required

# --------------------------------------------------------------------------
# Behaviour: exposure, response, hiring (the stated model of docs/demo-data.md)
# --------------------------------------------------------------------------

# Job search starts at first completion (or 30 days after registration for non-completers) and
# lasts an exponential time; sessions are spread uniformly over it.
SEARCH_DAYS_MEAN = 120
SESSIONS_EXTRA_MEAN = 2.5  # 1 + Poisson sessions per participant
SHOWN_PER_SESSION_EXTRA_MEAN = 3.0  # 1 + Poisson vacancies seen per session
# Where a shown vacancy comes from: home regency, home province, anywhere (remote included).
EXPOSURE_SCOPE_SHARES = (0.55, 0.30, 0.15)
# Share of impressions that come from searching an occupation group (drawn from softmax(taste));
# the rest is browsing everything open in the scope.
SHARE_SEARCH_BY_OCCUPATION = 0.4
# Share of impressions that come from searching one's own trade (issue 12 calibration, docs/demo-data.md
# "Trades"): one of the KBJI minor groups of the prior work or of the occupations a completed course prepares
# for, in the home province; when nothing of it is open there that week, the draw above stands. Assumption:
# Prakerja participants train for a trade and look for work in it.
SHARE_SEARCH_BY_TRADE = 0.35
# Utility u = intercept + skill * overlap + taste + wage * log wage gain - distance * log(1 + km/50)
#             + noise; P(click) = sigmoid(u); save/apply/dismiss follow from u.
CLICK_INTERCEPT = -1.6
BETA_SKILL_OVERLAP = 2.5
BETA_TRADE = 1.0  # a vacancy in one of her trades (issue 12 calibration; assumption)
BETA_TASTE = 0.8
BETA_WAGE_GAIN = 0.5
BETA_DISTANCE = 0.35
UTILITY_NOISE_SD = 0.7
SAVE_OFFSET = -1.5  # P(save | click) = sigmoid(u + offset)
APPLY_OFFSET = -1.0  # P(apply | click) = sigmoid(u + offset)
DISMISS_SHARE_OF_UNCLICKED = 0.15  # a part of the unclicked are dismissed explicitly
BASE_INCOME_FLOOR_IDR = 600_000  # wage-gain reference for people without income (the incentive)
# Hiring: P(hired | applied) = sigmoid(intercept + skill * overlap + education); one hire at most.
HIRE_INTERCEPT = -3.0
HIRE_BETA_SKILL = 3.0
HIRE_BETA_EDUCATION = 0.15  # per education step above SMA
HIRE_DELAY_DAYS = (7, 35)
# Outcomes for those not hired through the board (assumption; the evaluation found +3% earnings).
KEEP_JOB_SHARE = 0.85
KEEP_BUSINESS_SHARE = 0.90
FIND_JOB_ELSEWHERE_SHARE = 0.15
WAGE_DRIFT_LOG_SD = 0.15
