-- V019: where the points went (issue 15, item 4; shared/spec/scorecards.md): for each unit and
-- item of the scorecards of a tree's latest Friday, the dossiers or procedures that count
-- against it (members of the item's denominator that are not members of its numerator), as a
-- view an analyst filters by unit and item; and from the same members 766 item 2.2 per
-- procedure (the spec's "per procedure and overall").
-- What is stored is the members of the newest Friday's models, not a list per version: per
-- unit, item and period, the lists of every Friday would hold most of the province's dossiers
-- again each week. tthc_pipeline.scorecards.publish replaces a tree's members when it publishes
-- a newer Friday (or a new version of the same one), in the transaction that publishes the
-- scores, so the lists always add up to the latest versions of that Friday. The lists of an
-- older version come from tthc_pipeline.scorecards.drill.where_points_went(), computed again.

-- Grain: one row per report tree: the Friday whose members the tables below hold.
create table mart.scorecard_member_run (
    tree_code text primary key,
    report_date date not null
);

comment on table mart.scorecard_member_run is
    'Thứ Sáu có danh sách hồ sơ, thủ tục bị trừ điểm / the Friday whose scorecard members '
    '(mart.scorecard_dossier_member, mart.scorecard_procedure_member) are held, per tree';
comment on column mart.scorecard_member_run.tree_code is 'Cây báo cáo / the report tree';
comment on column mart.scorecard_member_run.report_date is 'Ngày báo cáo (thứ Sáu) / the Friday';

-- Grain: one row per (tree, cut-off, ancestor unit, unit): the tree in force at the cut-off,
-- a unit its own ancestor.
create table mart.scorecard_unit_closure (
    tree_code text not null,
    as_of timestamptz not null,
    ancestor_code text not null,
    unit_code text not null,
    primary key (tree_code, as_of, ancestor_code, unit_code)
);

comment on table mart.scorecard_unit_closure is
    'Cây đơn vị tại thời điểm chốt: mỗi cặp (đơn vị cấp trên, đơn vị) / every (ancestor, unit) '
    'pair of the unit tree in force at the cut-off, a unit its own ancestor (the newest Friday)';
comment on column mart.scorecard_unit_closure.tree_code is 'Cây báo cáo / the report tree';
comment on column mart.scorecard_unit_closure.as_of is 'Thời điểm chốt / the cut-off';
comment on column mart.scorecard_unit_closure.ancestor_code is
    'Đơn vị được chấm (cả cây trực thuộc) / the unit scored, over its subtree';
comment on column mart.scorecard_unit_closure.unit_code is 'Đơn vị trong cây / a unit of its subtree';

-- Grain: one row per (tree, cut-off, period start, dossier that can count in the period).
create table mart.scorecard_dossier_member (
    tree_code text not null,
    as_of timestamptz not null,
    period_start date not null,
    dossier_key bigint not null,
    dossier_code text not null,
    source_code text not null,
    unit_code text not null,
    procedure_durable_key bigint,
    status integer,
    received_on date,
    due_on date,
    finished_on date,
    supplement_rounds integer not null,
    is_online boolean not null,
    is_paid_online boolean not null,
    received boolean not null,
    received_online boolean not null,
    received_digitised boolean not null,
    received_vneid boolean not null,
    fee_dossiers boolean not null,
    paid_online_dossiers boolean not null,
    finished boolean not null,
    finished_electronic_result boolean not null,
    finished_online_full_process boolean not null,
    finished_fee_dossiers boolean not null,
    finished_fee_dossiers_paid_online boolean not null,
    on_time_766 boolean not null,
    rated_766 boolean not null,
    handling_working_days integer
);
-- No key and no index, on purpose: the rows are written once a Friday, a tree's at a time, from
-- the model's one row per (period start, dossier), and read by the view by tree and unit. Over
-- 5M generated dossiers (1.84M rows) the insert took 2.5 s into the bare table and 10 s with
-- any btree (bench/RESULTS.md section 10). A list of the view scans the table; how long that
-- takes at that size is not measured yet.

comment on table mart.scorecard_dossier_member is
    'Hồ sơ tính trong các chỉ tiêu của thứ Sáu mới nhất / the dossiers that count in the '
    'scorecards of the tree''s newest Friday, per cut-off and period start, and which dossier '
    'measures (sql/scorecard/dossier_members.sql) each belongs to; replaced by the next Friday';
comment on column mart.scorecard_dossier_member.tree_code is 'Cây báo cáo / the report tree';
comment on column mart.scorecard_dossier_member.as_of is 'Thời điểm chốt / the cut-off';
comment on column mart.scorecard_dossier_member.period_start is 'Ngày đầu kỳ / first day of the period';
comment on column mart.scorecard_dossier_member.dossier_key is 'Khóa hồ sơ / dw.fact_dossier key';
comment on column mart.scorecard_dossier_member.dossier_code is 'Mã hồ sơ / dossier code';
comment on column mart.scorecard_dossier_member.source_code is 'Hệ thống nguồn / the source system';
comment on column mart.scorecard_dossier_member.unit_code is
    'Đơn vị tính hồ sơ tại thời điểm chốt / the unit in force at the cut-off whose row counts it';
comment on column mart.scorecard_dossier_member.procedure_durable_key is
    'Khóa thủ tục / the procedure (dw.dim_procedure durable key)';
comment on column mart.scorecard_dossier_member.handling_working_days is
    'Số ngày làm việc giải quyết nếu kết thúc trong kỳ, ngược lại 0 / working days from reception '
    'to finishing when finished in the period, else 0 (the sum of 766 item 2.2)';
comment on column mart.scorecard_dossier_member.status is 'Trạng thái tại thời điểm chốt / status at the cut-off';
comment on column mart.scorecard_dossier_member.received_on is 'Ngày tiếp nhận / day received';
comment on column mart.scorecard_dossier_member.due_on is 'Hạn trả đang áp dụng / due date in force at the cut-off';
comment on column mart.scorecard_dossier_member.finished_on is 'Ngày kết thúc / day finished (NULL: not finished)';
comment on column mart.scorecard_dossier_member.supplement_rounds is 'Số lần bổ sung / supplement rounds requested';
comment on column mart.scorecard_dossier_member.is_online is 'Nộp trực tuyến / submitted online';
comment on column mart.scorecard_dossier_member.is_paid_online is 'Đã thanh toán trực tuyến / paid online by the cut-off';
comment on column mart.scorecard_dossier_member.received is 'Tiếp nhận trong kỳ / measure received';
comment on column mart.scorecard_dossier_member.received_online is 'Tiếp nhận trực tuyến trong kỳ / measure received_online';
comment on column mart.scorecard_dossier_member.received_digitised is 'Có thành phần số hóa / measure received_digitised';
comment on column mart.scorecard_dossier_member.received_vneid is 'Tài khoản VNeID / measure received_vneid';
comment on column mart.scorecard_dossier_member.fee_dossiers is 'Hồ sơ có phí / measure fee_dossiers';
comment on column mart.scorecard_dossier_member.paid_online_dossiers is 'Có phí, thanh toán trực tuyến / measure paid_online_dossiers';
comment on column mart.scorecard_dossier_member.finished is 'Kết thúc trong kỳ / measure finished';
comment on column mart.scorecard_dossier_member.finished_electronic_result is 'Có kết quả điện tử / measure finished_electronic_result';
comment on column mart.scorecard_dossier_member.finished_online_full_process is 'Toàn trình / measure finished_online_full_process';
comment on column mart.scorecard_dossier_member.finished_fee_dossiers is 'Kết thúc, thủ tục có phí / measure finished_fee_dossiers';
comment on column mart.scorecard_dossier_member.finished_fee_dossiers_paid_online is 'Kết thúc, có phí, thanh toán trực tuyến / measure finished_fee_dossiers_paid_online';
comment on column mart.scorecard_dossier_member.on_time_766 is 'Đúng hạn theo 766 / measure on_time_766';
comment on column mart.scorecard_dossier_member.rated_766 is 'Được đánh giá theo 766 / measure rated_766';

-- Grain: one row per (tree, cut-off, period start, unit scored, procedure handled in its
-- subtree).
create table mart.scorecard_procedure_member (
    tree_code text not null,
    as_of timestamptz not null,
    period_start date not null,
    unit_code text not null,
    procedure_durable_key bigint not null,
    procedure_code text not null,
    handled_procedures boolean not null,
    online_services boolean not null,
    online_services_used boolean not null,
    fee_procedures boolean not null,
    fee_procedures_with_fee_dossiers boolean not null,
    fee_procedures_paid_online boolean not null,
    fee_procedures_with_online_payment boolean not null,
    online_payment_procedures boolean not null,
    online_payment_procedures_used boolean not null,
    eligible_procedures boolean not null,
    eligible_full_process_services boolean not null,
    primary key (tree_code, as_of, period_start, unit_code, procedure_durable_key)
);

comment on table mart.scorecard_procedure_member is
    'Thủ tục tính trong các chỉ tiêu của thứ Sáu mới nhất / the procedures handled in each '
    'unit''s subtree that count in the scorecards of the tree''s newest Friday, and which '
    'procedure measures (sql/scorecard/procedure_members.sql) each belongs to';
comment on column mart.scorecard_procedure_member.tree_code is 'Cây báo cáo / the report tree';
comment on column mart.scorecard_procedure_member.as_of is 'Thời điểm chốt / the cut-off';
comment on column mart.scorecard_procedure_member.period_start is 'Ngày đầu kỳ / first day of the period';
comment on column mart.scorecard_procedure_member.unit_code is 'Đơn vị được chấm (cả cây) / the unit scored, over its subtree';
comment on column mart.scorecard_procedure_member.procedure_durable_key is 'Khóa thủ tục / procedure durable key';
comment on column mart.scorecard_procedure_member.procedure_code is 'Mã thủ tục / procedure code';
comment on column mart.scorecard_procedure_member.handled_procedures is 'Thủ tục thực hiện / measure handled_procedures';
comment on column mart.scorecard_procedure_member.online_services is 'Dịch vụ công trực tuyến / measure online_services';
comment on column mart.scorecard_procedure_member.online_services_used is 'Có hồ sơ trực tuyến / measure online_services_used';
comment on column mart.scorecard_procedure_member.fee_procedures is 'Có phí / measure fee_procedures';
comment on column mart.scorecard_procedure_member.fee_procedures_with_fee_dossiers is 'Có hồ sơ có phí / measure fee_procedures_with_fee_dossiers';
comment on column mart.scorecard_procedure_member.fee_procedures_paid_online is 'Có hồ sơ thanh toán trực tuyến / measure fee_procedures_paid_online';
comment on column mart.scorecard_procedure_member.fee_procedures_with_online_payment is 'Có phí, tích hợp thanh toán / measure fee_procedures_with_online_payment';
comment on column mart.scorecard_procedure_member.online_payment_procedures is 'Tích hợp thanh toán / measure online_payment_procedures';
comment on column mart.scorecard_procedure_member.online_payment_procedures_used is 'Có giao dịch trực tuyến / measure online_payment_procedures_used';
comment on column mart.scorecard_procedure_member.eligible_procedures is 'Đủ điều kiện toàn trình / measure eligible_procedures';
comment on column mart.scorecard_procedure_member.eligible_full_process_services is 'Đủ điều kiện, đã toàn trình / measure eligible_full_process_services';

-- Grain: one row per (tree, scorecard, period, as_of, unit scored, item, dossier or procedure
-- that counts against the item), for the latest version of every scorecard period whose
-- members are held. A measure is a boolean column of a member table, named in the version's
-- configuration: an item whose two measures are not both columns of one table (2.2, a tracked
-- sum) has no list.
create view mart.scorecard_shortfall as
with items as (
    select
        v.tree_code,
        v.scorecard,
        v.period_type,
        v.period_start,
        v.as_of,
        v.is_forecast,
        v.version,  -- noqa: RF04
        i.item,
        i.numerator,
        i.denominator
    from mart.scorecard_version as v
    cross join lateral jsonb_to_recordset(v.config -> 'items')
        as i (item text, numerator text, denominator text)
    where v.version = (
        select max(latest.version)
        from mart.scorecard_version as latest
        where latest.tree_code = v.tree_code
            and latest.scorecard = v.scorecard
            and latest.period_type = v.period_type
            and latest.period_start = v.period_start
            and latest.as_of = v.as_of
    )
),

dossiers as (
    select
        i.tree_code,
        i.scorecard,
        i.period_type,
        i.period_start,
        i.as_of,
        i.is_forecast,
        i.version,  -- noqa: RF04
        c.ancestor_code as unit_code,
        i.item,
        i.numerator,
        i.denominator,
        'dossier' as kind,
        m.dossier_code,
        null::text as procedure_code,
        m.source_code,
        m.unit_code as counting_unit_code,
        m.status,
        m.received_on,
        m.due_on,
        m.finished_on,
        m.supplement_rounds,
        m.is_online,
        m.is_paid_online,
        to_jsonb(m) as measures
    from items as i
    inner join mart.scorecard_unit_closure as c
        on i.tree_code = c.tree_code and i.as_of = c.as_of
    inner join mart.scorecard_dossier_member as m
        on c.tree_code = m.tree_code
        and c.as_of = m.as_of
        and c.unit_code = m.unit_code
        and i.period_start = m.period_start
),

procedures as (
    select
        i.tree_code,
        i.scorecard,
        i.period_type,
        i.period_start,
        i.as_of,
        i.is_forecast,
        i.version,  -- noqa: RF04
        m.unit_code,
        i.item,
        i.numerator,
        i.denominator,
        'procedure' as kind,
        null::text as dossier_code,
        m.procedure_code,
        null::text as source_code,
        null::text as counting_unit_code,
        null::integer as status,
        null::date as received_on,
        null::date as due_on,
        null::date as finished_on,
        null::integer as supplement_rounds,
        null::boolean as is_online,
        null::boolean as is_paid_online,
        to_jsonb(m) as measures
    from items as i
    inner join mart.scorecard_procedure_member as m
        on i.tree_code = m.tree_code
        and i.as_of = m.as_of
        and i.period_start = m.period_start
),

members as (
    select * from dossiers
    union all
    select * from procedures
)

select
    tree_code,
    scorecard,
    period_type,
    period_start,
    as_of,
    is_forecast,
    version,  -- noqa: RF04
    unit_code,
    item,
    kind,
    dossier_code,
    procedure_code,
    source_code,
    counting_unit_code,
    status,
    received_on,
    due_on,
    finished_on,
    supplement_rounds,
    is_online,
    is_paid_online
from members
-- compared as jsonb, not cast: a sum (2.2's working days) is a number, never true or false
where measures -> denominator = 'true'::jsonb
    and measures -> numerator = 'false'::jsonb;

comment on view mart.scorecard_shortfall is
    'Hồ sơ, thủ tục làm mất điểm / where the points went: for the latest version of every '
    'scorecard period of the tree''s newest Friday, each unit (over its subtree) and item, the '
    'dossiers or procedures that count against the item (in its denominator, not its '
    'numerator): the late dossiers of 2.1, the unused online services of 3.2, the fee dossiers '
    'not paid online of 3.6, ... Filter by unit_code and item';
comment on column mart.scorecard_shortfall.tree_code is 'Cây báo cáo / the report tree';
comment on column mart.scorecard_shortfall.scorecard is 'Bộ chỉ số: cs766, par_qn / the scorecard';
comment on column mart.scorecard_shortfall.period_type is 'Loại kỳ: month, quarter, ytd / period type';
comment on column mart.scorecard_shortfall.period_start is 'Ngày đầu kỳ / first day of the period';
comment on column mart.scorecard_shortfall.as_of is 'Thời điểm chốt số liệu / the cut-off';
comment on column mart.scorecard_shortfall.is_forecast is 'Dự báo: kỳ chưa kết thúc / forecast';
comment on column mart.scorecard_shortfall.version is 'Phiên bản mới nhất / the latest version (mart.scorecard_version)';
comment on column mart.scorecard_shortfall.unit_code is 'Đơn vị được chấm (cả cây) / the unit scored, over its subtree';
comment on column mart.scorecard_shortfall.item is 'Chỉ tiêu / the item (2.1, 3.2, 3.6, ...)';
comment on column mart.scorecard_shortfall.kind is 'dossier hoặc procedure / what counts against the item';
comment on column mart.scorecard_shortfall.dossier_code is 'Mã hồ sơ / dossier code (kind dossier)';
comment on column mart.scorecard_shortfall.procedure_code is 'Mã thủ tục / procedure code (kind procedure)';
comment on column mart.scorecard_shortfall.source_code is 'Hệ thống nguồn của hồ sơ / the dossier''s source';
comment on column mart.scorecard_shortfall.counting_unit_code is 'Đơn vị tính hồ sơ / the unit whose row counts the dossier';
comment on column mart.scorecard_shortfall.status is 'Trạng thái tại thời điểm chốt / status at the cut-off';
comment on column mart.scorecard_shortfall.received_on is 'Ngày tiếp nhận / day received';
comment on column mart.scorecard_shortfall.due_on is 'Hạn trả đang áp dụng / due date in force';
comment on column mart.scorecard_shortfall.finished_on is 'Ngày kết thúc / day finished';
comment on column mart.scorecard_shortfall.supplement_rounds is 'Số lần bổ sung / supplement rounds';
comment on column mart.scorecard_shortfall.is_online is 'Nộp trực tuyến / submitted online';
comment on column mart.scorecard_shortfall.is_paid_online is 'Đã thanh toán trực tuyến / paid online';

-- Grain: one row per (tree, scorecard with a handling-time item, period, as_of, unit scored,
-- procedure with a dossier finished in the period in the unit's subtree), latest version.
create view mart.scorecard_handling_time as
with periods as (
    select
        v.tree_code,
        v.scorecard,
        v.period_type,
        v.period_start,
        v.as_of,
        v.is_forecast,
        v.version  -- noqa: RF04
    from mart.scorecard_version as v
    where exists (
        select 1
        from jsonb_array_elements(v.config -> 'items') as i (item)
        where i.item ->> 'numerator' = 'handling_working_days'
    )
    and v.version = (
        select max(latest.version)
        from mart.scorecard_version as latest
        where latest.tree_code = v.tree_code
            and latest.scorecard = v.scorecard
            and latest.period_type = v.period_type
            and latest.period_start = v.period_start
            and latest.as_of = v.as_of
    )
)

select
    p.tree_code,
    p.scorecard,
    p.period_type,
    p.period_start,
    p.as_of,
    p.is_forecast,
    p.version,  -- noqa: RF04
    c.ancestor_code as unit_code,
    pr.procedure_code,
    count(*) as finished,
    sum(m.handling_working_days) as handling_working_days,
    round(avg(m.handling_working_days), 2) as mean_working_days
from periods as p
inner join mart.scorecard_unit_closure as c
    on p.tree_code = c.tree_code and p.as_of = c.as_of
inner join mart.scorecard_dossier_member as m
    on c.tree_code = m.tree_code
    and c.as_of = m.as_of
    and c.unit_code = m.unit_code
    and p.period_start = m.period_start
left join dw.dim_procedure as pr
    on m.procedure_durable_key = pr.procedure_durable_key and pr.is_current
where m.finished
group by
    p.tree_code, p.scorecard, p.period_type, p.period_start, p.as_of, p.is_forecast, p.version,
    c.ancestor_code, pr.procedure_code;

comment on view mart.scorecard_handling_time is
    'Thời gian giải quyết trung bình theo thủ tục (chỉ tiêu 2.2) / 766 item 2.2 per procedure: '
    'for the latest version of every period of the tree''s newest Friday, each unit (over its '
    'subtree) and procedure, the dossiers finished in the period and their mean working days; '
    'summed over procedures they give the item''s numerator and denominator';
comment on column mart.scorecard_handling_time.tree_code is 'Cây báo cáo / the report tree';
comment on column mart.scorecard_handling_time.scorecard is 'Bộ chỉ số / the scorecard (cs766)';
comment on column mart.scorecard_handling_time.period_type is 'Loại kỳ: month, quarter, ytd / period type';
comment on column mart.scorecard_handling_time.period_start is 'Ngày đầu kỳ / first day of the period';
comment on column mart.scorecard_handling_time.as_of is 'Thời điểm chốt số liệu / the cut-off';
comment on column mart.scorecard_handling_time.is_forecast is 'Dự báo: kỳ chưa kết thúc / forecast';
comment on column mart.scorecard_handling_time.version is 'Phiên bản mới nhất / the latest version';
comment on column mart.scorecard_handling_time.unit_code is 'Đơn vị được chấm (cả cây) / the unit scored, over its subtree';
comment on column mart.scorecard_handling_time.procedure_code is 'Mã thủ tục / procedure code';
comment on column mart.scorecard_handling_time.finished is 'Số hồ sơ kết thúc trong kỳ / dossiers finished in the period';
comment on column mart.scorecard_handling_time.handling_working_days is 'Tổng số ngày làm việc / their working days, summed';
comment on column mart.scorecard_handling_time.mean_working_days is 'Số ngày làm việc trung bình / mean working days';

grant select on mart.scorecard_member_run, mart.scorecard_unit_closure,
    mart.scorecard_dossier_member, mart.scorecard_procedure_member, mart.scorecard_shortfall,
    mart.scorecard_handling_time to bi_reader;
