-- Upsert dw.dim_date for every day in [first_day, last_day].
-- Grain: one row per calendar day. A weekday is a working day and a weekend day is not, except
-- for the calendar exceptions passed in (holidays, make-up Saturdays, meta.holiday_override),
-- which tthc_pipeline.calendar computes. Rows that would not change are not rewritten.
insert into dw.dim_date as d (
    date_key, calendar_date, year, quarter, month, day_of_month, iso_year, iso_week,
    iso_day_of_week, day_name_vi, day_name_en, is_weekend, is_holiday, holiday_name_vi,
    holiday_name_en, is_working_day, is_override, report_date, report_date_key
)

with

calendar_exceptions as (
    select *
    from unnest(
        %(exception_days)s::date[],
        %(exception_is_working_day)s::boolean[],
        %(exception_names_vi)s::text[],
        %(exception_names_en)s::text[],
        %(exception_is_override)s::boolean[]
    ) as e (calendar_date, is_working_day, name_vi, name_en, is_override)
),

days as (
    select
        %(first_day)s::date + offset_days as calendar_date,
        extract(isodow from %(first_day)s::date + offset_days)::smallint as iso_day_of_week
    from generate_series(0, %(last_day)s::date - %(first_day)s::date) as offset_days
),

classified_days as (
    select
        days.calendar_date,
        days.iso_day_of_week,
        days.iso_day_of_week >= 6 as is_weekend,
        coalesce(e.is_working_day, days.iso_day_of_week <= 5) as is_working_day,
        coalesce(not e.is_working_day, false) as is_holiday,
        e.name_vi as holiday_name_vi,
        e.name_en as holiday_name_en,
        coalesce(e.is_override, false) as is_override,
        -- the first Friday after the day: its report's period [R - 7, R) contains the day
        days.calendar_date + 7 - mod(days.iso_day_of_week + 2, 7) as report_date
    from days
    left join calendar_exceptions as e on days.calendar_date = e.calendar_date
)

select
    dw.date_key(calendar_date) as date_key,
    calendar_date,
    extract(year from calendar_date)::smallint as year,
    extract(quarter from calendar_date)::smallint as quarter,
    extract(month from calendar_date)::smallint as month,
    extract(day from calendar_date)::smallint as day_of_month,
    extract(isoyear from calendar_date)::smallint as iso_year,
    extract(week from calendar_date)::smallint as iso_week,
    iso_day_of_week,
    (array[
        'Thứ Hai', 'Thứ Ba', 'Thứ Tư', 'Thứ Năm', 'Thứ Sáu', 'Thứ Bảy', 'Chủ nhật'
    ])[iso_day_of_week] as day_name_vi,
    (array[
        'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'
    ])[iso_day_of_week] as day_name_en,
    is_weekend,
    is_holiday,
    holiday_name_vi,
    holiday_name_en,
    is_working_day,
    is_override,
    report_date,
    dw.date_key(report_date) as report_date_key
from classified_days
-- a fixed insert order: concurrent loads lock the same days in the same order
order by calendar_date

on conflict (date_key) do update set
    is_holiday = excluded.is_holiday,
    holiday_name_vi = excluded.holiday_name_vi,
    holiday_name_en = excluded.holiday_name_en,
    is_working_day = excluded.is_working_day,
    is_override = excluded.is_override
where (d.is_holiday, d.holiday_name_vi, d.holiday_name_en, d.is_working_day, d.is_override)
    is distinct from (
        excluded.is_holiday, excluded.holiday_name_vi, excluded.holiday_name_en,
        excluded.is_working_day, excluded.is_override
    )
