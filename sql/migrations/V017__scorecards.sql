-- V017: the scorecards beyond Directive 04 (issue 15; shared/spec/scorecards.md): the national
-- 766 index (cs766) and Quảng Ninh's PAR sub-index (par_qn), per unit of a report tree and per
-- period (month, quarter, year to date), published after each Friday's Directive 04 snapshot
-- by tthc_pipeline.scorecards.publish as immutable versions, with the configuration in force
-- (config/scorecards/<scorecard>.yaml) stored with each. A re-run on unchanged data and
-- configuration writes nothing; a change publishes version n + 1 beside the older ones.

-- Grain: one row per published version of a (tree, scorecard, period, as_of).
create table mart.scorecard_version (
    tree_code text not null,
    scorecard text not null check (scorecard ~ '^[a-z][a-z0-9_]{1,39}$'),
    period_type text not null check (period_type in ('month', 'quarter', 'ytd')),
    period_start date not null,
    period_end date not null,
    as_of timestamptz not null,
    is_forecast boolean not null,
    version integer not null check (version >= 1),  -- noqa: RF04
    config jsonb not null,
    content_hash text not null,
    unit_count integer not null,
    published_at timestamptz not null,
    dag_run_id text,
    primary key (tree_code, scorecard, period_type, period_start, as_of, version),
    check (period_start < period_end)
);

comment on table mart.scorecard_version is
    'Các phiên bản điểm chỉ số đã công bố / published versions of a scorecard (766, PAR) for one '
    'report tree, period and cut-off: when, with which configuration; never changed once written';
comment on column mart.scorecard_version.tree_code is 'Cây báo cáo / the report tree';
comment on column mart.scorecard_version.scorecard is
    'Bộ chỉ số: cs766 (Quyết định 766), par_qn (PAR Quảng Ninh 3.3–3.6) / the scorecard';
comment on column mart.scorecard_version.period_type is 'Loại kỳ: month, quarter, ytd / period type';
comment on column mart.scorecard_version.period_start is 'Ngày đầu kỳ / first day of the period';
comment on column mart.scorecard_version.period_end is
    'Ngày sau ngày cuối kỳ / the day after the period''s last day (exclusive end)';
comment on column mart.scorecard_version.as_of is
    'Thời điểm chốt số liệu: cuối kỳ, hoặc 00:00 thứ Sáu nếu kỳ chưa kết thúc / the cut-off the '
    'values are as of: the period''s end, or the Friday cut-off of a period not yet ended';
comment on column mart.scorecard_version.is_forecast is
    'Dự báo: kỳ chưa kết thúc lúc chốt / forecast: the period had not ended at as_of';
comment on column mart.scorecard_version.version is
    'Phiên bản, từ 1; phiên bản mới khi dữ liệu hoặc cấu hình thay đổi / version from 1; a new one '
    'when the data or the configuration changed';
comment on column mart.scorecard_version.config is
    'Cấu hình áp dụng (config/scorecards/*.yaml): chỉ tiêu, điểm, cách tính / the scorecard '
    'definition in force: items, measures, points, rules, zero-denominator policy';
comment on column mart.scorecard_version.content_hash is
    'Băm nội dung các dòng và cấu hình / sha256 of the rows and the configuration: equal hash = '
    'nothing to publish';
comment on column mart.scorecard_version.unit_count is 'Số đơn vị / units scored in the version';
comment on column mart.scorecard_version.published_at is 'Thời điểm công bố / when the version was published';
comment on column mart.scorecard_version.dag_run_id is 'Lần chạy Airflow đã công bố / the Airflow run that published it';

-- Grain: one row per version × scorecard × period × as_of × unit × item, plus one row per unit
-- with item = 'total'.
create table mart.scorecard_item (
    scorecard text not null,
    period_type text not null,
    period_start date not null,
    as_of timestamptz not null,
    is_forecast boolean not null,
    version integer not null,  -- noqa: RF04
    unit_code text not null,
    item text not null,
    numerator numeric,
    denominator numeric,
    ratio numeric,
    points numeric not null,
    max_points numeric not null,
    flag text check (flag = 'khong_phat_sinh'),
    tree_code text not null,
    primary key (tree_code, scorecard, period_type, period_start, as_of, version, unit_code, item),
    foreign key (tree_code, scorecard, period_type, period_start, as_of, version)
        references mart.scorecard_version (
            tree_code, scorecard, period_type, period_start, as_of, version
        ),
    check (points between 0 and max_points)
);

comment on table mart.scorecard_item is
    'Điểm từng chỉ tiêu của mỗi đơn vị (cả cây trực thuộc) / the score of every item for every unit '
    '(its whole subtree), per published version, scorecard, period and cut-off; item = total: '
    'points = points_computed, max_points = points_possible (the computable items only)';
comment on column mart.scorecard_item.scorecard is 'Bộ chỉ số: cs766, par_qn / the scorecard';
comment on column mart.scorecard_item.period_type is 'Loại kỳ: month, quarter, ytd / period type';
comment on column mart.scorecard_item.period_start is 'Ngày đầu kỳ / first day of the period';
comment on column mart.scorecard_item.as_of is
    'Thời điểm chốt số liệu / the cut-off: the period''s end, or the Friday cut-off of a forecast';
comment on column mart.scorecard_item.is_forecast is
    'Dự báo: kỳ chưa kết thúc / forecast: the period had not ended at as_of';
comment on column mart.scorecard_item.version is 'Phiên bản / version (mart.scorecard_version)';
comment on column mart.scorecard_item.unit_code is 'Mã định danh đơn vị / unit code (MaDinhDanh)';
comment on column mart.scorecard_item.item is
    'Chỉ tiêu (2.1, 3.3, 3.6a…) hoặc total / the item, as in scorecards.md, or total';
comment on column mart.scorecard_item.numerator is 'Tử số / numerator (NULL on the total row)';
comment on column mart.scorecard_item.denominator is 'Mẫu số / denominator (NULL on the total row)';
comment on column mart.scorecard_item.ratio is
    'Tỷ lệ = tử số / mẫu số (2.2: số ngày làm việc trung bình); NULL khi mẫu số bằng 0 / the ratio '
    '(2.2: mean working days); NULL when the denominator is 0';
comment on column mart.scorecard_item.points is
    'Điểm đạt / points scored; total row: points_computed';
comment on column mart.scorecard_item.max_points is
    'Điểm tối đa / maximum points; total row: points_possible (766: 52 of 100, the rest is not '
    'computable from the one-stop data)';
comment on column mart.scorecard_item.flag is
    'khong_phat_sinh: mẫu số bằng 0 (766: đủ điểm; PAR: 0 điểm) / the denominator is 0 (766 '
    'scores full points, PAR 0)';
comment on column mart.scorecard_item.tree_code is 'Cây báo cáo / the report tree';

-- Published scores are immutable: corrections publish a new version instead.
create trigger scorecard_version_immutable before update or delete on mart.scorecard_version
    for each row execute function mart.refuse_change();
create trigger scorecard_version_no_truncate before truncate on mart.scorecard_version
    for each statement execute function mart.refuse_change();
create trigger scorecard_item_immutable before update or delete on mart.scorecard_item
    for each row execute function mart.refuse_change();
create trigger scorecard_item_no_truncate before truncate on mart.scorecard_item
    for each statement execute function mart.refuse_change();

-- The latest version of each (tree, scorecard, period, as_of), the table's columns.
create view mart.scorecard_latest as
select i.*
from mart.scorecard_item as i
inner join (
    select tree_code, scorecard, period_type, period_start, as_of, max(version) as version  -- noqa: RF04
    from mart.scorecard_version
    group by tree_code, scorecard, period_type, period_start, as_of
) as latest using (tree_code, scorecard, period_type, period_start, as_of, version);

comment on view mart.scorecard_latest is
    'Phiên bản mới nhất của mỗi kỳ và thời điểm chốt / the latest version of every (tree, '
    'scorecard, period, as_of): per unit, every item and the total row (item = total)';

comment on column mart.scorecard_latest.scorecard is 'Bộ chỉ số: cs766, par_qn / the scorecard';
comment on column mart.scorecard_latest.period_type is 'Loại kỳ: month, quarter, ytd / period type';
comment on column mart.scorecard_latest.period_start is 'Ngày đầu kỳ / first day of the period';
comment on column mart.scorecard_latest.as_of is 'Thời điểm chốt số liệu / the cut-off: the period''s end, or the Friday cut-off of a forecast';
comment on column mart.scorecard_latest.is_forecast is 'Dự báo: kỳ chưa kết thúc / forecast: the period had not ended at as_of';
comment on column mart.scorecard_latest.version is 'Phiên bản mới nhất / the latest version';
comment on column mart.scorecard_latest.unit_code is 'Mã định danh đơn vị / unit code (MaDinhDanh)';
comment on column mart.scorecard_latest.item is 'Chỉ tiêu hoặc total / the item, or total';
comment on column mart.scorecard_latest.numerator is 'Tử số / numerator';
comment on column mart.scorecard_latest.denominator is 'Mẫu số / denominator';
comment on column mart.scorecard_latest.ratio is 'Tỷ lệ (2.2: số ngày trung bình) / the ratio (2.2: mean working days)';
comment on column mart.scorecard_latest.points is 'Điểm đạt; dòng total: points_computed / points; total row: points_computed';
comment on column mart.scorecard_latest.max_points is 'Điểm tối đa; dòng total: points_possible / maximum; total row: points_possible';
comment on column mart.scorecard_latest.flag is 'khong_phat_sinh: mẫu số bằng 0 / the denominator is 0';
comment on column mart.scorecard_latest.tree_code is 'Cây báo cáo / the report tree';

-- Grain: one row per (tree, period, as_of, unit) of the 766 scorecard, latest version.
create view mart.scorecard_766_weekly as
-- the previous publication of the same period and unit by a window over the totals, not a
-- lookup per row: one pass whatever the planner knows of freshly published rows
with totals as (
    select
        tree_code,
        period_type,
        period_start,
        as_of,
        is_forecast,
        unit_code,
        points,
        max_points,
        lag(as_of) over same_period as earlier_as_of,
        lag(points) over same_period as earlier_points
    from mart.scorecard_latest
    where scorecard = 'cs766' and item = 'total'
    window same_period as (
        partition by tree_code, period_type, period_start, unit_code order by as_of
    )
),

-- the previous Friday's publication only: an earlier one more than a week back is no change
-- "since the previous Friday"
previous as (
    select
        *,
        earlier_as_of >= as_of - interval '7 days' as is_previous_friday
    from totals
)

select
    tree_code,
    period_type,
    period_start,
    as_of,
    is_forecast,
    unit_code,
    points as points_computed,
    max_points as points_possible,
    case when is_previous_friday then earlier_as_of end as previous_as_of,
    case when is_previous_friday then earlier_points end as previous_points,
    case when is_previous_friday then points - earlier_points end as points_change
from previous;

comment on view mart.scorecard_766_weekly is
    'Tổng điểm 766 của mỗi đơn vị và thay đổi so với thứ Sáu trước / each unit''s 766 total '
    '(points_computed of points_possible) per period and cut-off, and its change since the '
    'previous Friday''s publication of the same period (NULL in a period''s first week)';
comment on column mart.scorecard_766_weekly.tree_code is 'Cây báo cáo / the report tree';
comment on column mart.scorecard_766_weekly.period_type is 'Loại kỳ: month, quarter, ytd / period type';
comment on column mart.scorecard_766_weekly.period_start is 'Ngày đầu kỳ / first day of the period';
comment on column mart.scorecard_766_weekly.as_of is 'Thời điểm chốt số liệu / the cut-off: the period''s end, or the Friday cut-off of a forecast';
comment on column mart.scorecard_766_weekly.is_forecast is 'Dự báo: kỳ chưa kết thúc / forecast: the period had not ended at as_of';
comment on column mart.scorecard_766_weekly.unit_code is 'Mã định danh đơn vị / unit code (MaDinhDanh)';
comment on column mart.scorecard_766_weekly.points_computed is
    'Điểm đạt trên các chỉ tiêu tính được / points over the computable items';
comment on column mart.scorecard_766_weekly.points_possible is
    'Điểm tối đa tính được (52) / the computable maximum (52 of 100)';
comment on column mart.scorecard_766_weekly.previous_as_of is
    'Thời điểm chốt của lần công bố trước / the cut-off of the previous Friday''s publication';
comment on column mart.scorecard_766_weekly.previous_points is 'Điểm lần trước / points then';
comment on column mart.scorecard_766_weekly.points_change is
    'Thay đổi điểm / change in points since then';

grant select on mart.scorecard_version, mart.scorecard_item, mart.scorecard_latest,
    mart.scorecard_766_weekly to bi_reader;
