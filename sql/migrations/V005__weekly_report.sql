-- V005: the Directive 04 weekly report: colour thresholds (configuration), immutable versioned
-- snapshots, the latest-version view and the regressions view.
--
-- A snapshot is published by tthc_pipeline.report.snapshot: it computes the rows for a report
-- date, and only when their content (with the thresholds in force) differs from the latest
-- version does it insert version n + 1 beside the older ones. Published rows never change:
-- triggers refuse UPDATE, DELETE and TRUNCATE on them.

-- ---------------------------------------------------------------------------------------------
-- Configuration: the colour cut-offs (not public law; the province edits them here)
-- ---------------------------------------------------------------------------------------------

-- Grain: one row per (indicator, colour): the smallest rate that earns the colour.
create table meta.colour_threshold (
    indicator text not null check (indicator in ('on_time_rate', 'online_rate', 'online_payment_rate')),
    colour text not null check (colour in ('xanh', 'vang', 'cam', 'do')),
    min_rate numeric not null check (min_rate between 0 and 1),
    note text,
    primary key (indicator, colour),
    check ((colour = 'do') = (min_rate = 0))
);

insert into meta.colour_threshold (indicator, colour, min_rate, note) values
    ('on_time_rate', 'xanh', 0.98, 'default of the project (domain.md), not public law'),
    ('on_time_rate', 'vang', 0.95, 'default of the project (domain.md), not public law'),
    ('on_time_rate', 'cam', 0.90, 'default of the project (domain.md), not public law'),
    ('on_time_rate', 'do', 0, 'below cam'),
    ('online_rate', 'xanh', 0.80, 'default of the project (domain.md), not public law'),
    ('online_rate', 'vang', 0.50, 'default of the project (domain.md), not public law'),
    ('online_rate', 'cam', 0.30, 'default of the project (domain.md), not public law'),
    ('online_rate', 'do', 0, 'below cam'),
    ('online_payment_rate', 'xanh', 0.80, 'default of the project (domain.md), not public law'),
    ('online_payment_rate', 'vang', 0.50, 'default of the project (domain.md), not public law'),
    ('online_payment_rate', 'cam', 0.30, 'default of the project (domain.md), not public law'),
    ('online_payment_rate', 'do', 0, 'below cam');

comment on table meta.colour_threshold is
    'Ngưỡng màu bản đồ Chỉ thị 04 / Directive 04 colour cut-offs: the smallest rate that earns each '
    'colour, per indicator. Edit with UPDATE (xanh ≥ vàng ≥ cam > đỏ = 0); the next weekly run '
    'uses them and stores them with its snapshot';
comment on column meta.colour_threshold.indicator is
    'Chỉ số: on_time_rate, online_rate, online_payment_rate / the rate the cut-off applies to';
comment on column meta.colour_threshold.colour is 'Màu: xanh, vang, cam, do / colour code';
comment on column meta.colour_threshold.min_rate is 'Tỷ lệ tối thiểu để đạt màu / smallest rate earning the colour';
comment on column meta.colour_threshold.note is 'Ghi chú, căn cứ / note: where the value comes from';

-- The colour of a rate under cut-offs {"xanh": x, "vang": v, "cam": c}; NULL rate → trang.
create function mart.colour_of(rate numeric, cuts jsonb) returns text
language sql immutable parallel safe
return case
    when rate is null then 'trang'
    when rate >= (cuts ->> 'xanh')::numeric then 'xanh'
    when rate >= (cuts ->> 'vang')::numeric then 'vang'
    when rate >= (cuts ->> 'cam')::numeric then 'cam'
    else 'do'
end;

comment on function mart.colour_of(numeric, jsonb) is
    'Màu của một tỷ lệ theo ngưỡng / the colour of a rate under {"xanh","vang","cam"} cut-offs; NULL → trang';

-- Rank of a colour: xanh 4 > vang 3 > cam 2 > do 1; trang (or NULL) has none.
create function mart.colour_rank(colour text) returns integer
language sql immutable parallel safe
return case colour when 'xanh' then 4 when 'vang' then 3 when 'cam' then 2 when 'do' then 1 end;

comment on function mart.colour_rank(text) is
    'Thứ hạng màu / colour rank: xanh 4, vang 3, cam 2, do 1, trang NULL (no rank)';

-- ---------------------------------------------------------------------------------------------
-- Snapshots
-- ---------------------------------------------------------------------------------------------

-- Grain: one row per published version of a report date.
create table mart.chi_thi_04_snapshot (
    report_date date not null,
    snapshot_version integer not null check (snapshot_version >= 1),
    period_start timestamptz not null,
    period_end timestamptz not null,
    published_at timestamptz not null,
    thresholds jsonb not null,
    content_hash text not null,
    unit_count integer not null,
    report_file text not null,
    dag_run_id text,
    primary key (report_date, snapshot_version),
    check (extract(isodow from report_date) = 5),
    check (period_start < period_end)
);

comment on table mart.chi_thi_04_snapshot is
    'Các phiên bản báo cáo tuần Chỉ thị 04 đã công bố / published versions of the Directive 04 weekly '
    'report: when, with which colour thresholds, and the workbook file; never changed once written';
comment on column mart.chi_thi_04_snapshot.report_date is 'Ngày báo cáo (thứ Sáu) / report date R, a Friday';
comment on column mart.chi_thi_04_snapshot.snapshot_version is
    'Phiên bản, từ 1; phiên bản mới khi dữ liệu thay đổi / version from 1; a new one when the data changed';
comment on column mart.chi_thi_04_snapshot.period_start is 'Đầu kỳ R − 7 ngày, 00:00 / period start (inclusive)';
comment on column mart.chi_thi_04_snapshot.period_end is 'Cuối kỳ = thời điểm chốt R 00:00 / period end = cutoff (exclusive)';
comment on column mart.chi_thi_04_snapshot.published_at is 'Thời điểm công bố / when the version was published';
comment on column mart.chi_thi_04_snapshot.thresholds is
    'Ngưỡng màu áp dụng (từ meta.colour_threshold) / the colour cut-offs in force for this version';
comment on column mart.chi_thi_04_snapshot.content_hash is
    'Băm nội dung các dòng và ngưỡng / md5 of the rows and thresholds: equal hash = nothing to publish';
comment on column mart.chi_thi_04_snapshot.unit_count is 'Số đơn vị trong báo cáo / units (rows) in the version';
comment on column mart.chi_thi_04_snapshot.report_file is
    'Tên tệp Excel trong thư mục báo cáo / file name of the workbook in the reports folder';
comment on column mart.chi_thi_04_snapshot.dag_run_id is 'Lần chạy Airflow đã công bố / the Airflow run that published it';

-- Grain: one row per (report_date, unit_code, snapshot_version).
create table mart.chi_thi_04_weekly (
    report_date date not null,
    period_start timestamptz not null,
    period_end timestamptz not null,
    unit_code text not null,
    unit_name text,
    unit_level text,
    parent_unit_code text,
    unit_depth integer not null,
    tree_path text not null,
    received integer not null,
    received_online integer not null,
    carried_over integer not null,
    resolved integer not null,
    resolved_early integer not null,
    resolved_on_time integer not null,
    resolved_late integer not null,
    pending integer not null,
    pending_within integer not null,
    pending_overdue integer not null,
    on_time_rate numeric check (on_time_rate between 0 and 1),
    late_rate numeric check (late_rate between 0 and 1),
    dvc_deployed integer not null,
    dvc_with_online_dossiers integer not null,
    online_rate numeric check (online_rate between 0 and 1),
    fee_dossiers integer not null,
    paid_online_dossiers integer not null,
    dvc_with_online_payment integer not null,
    online_payment_rate numeric check (online_payment_rate between 0 and 1),
    on_time_colour text not null,
    online_colour text not null,
    payment_colour text not null,
    overall_colour text not null,
    prev_on_time_colour text,
    prev_online_colour text,
    prev_payment_colour text,
    prev_overall_colour text,
    regressed boolean not null,
    snapshot_version integer not null,
    published_at timestamptz not null,
    primary key (report_date, unit_code, snapshot_version),
    foreign key (report_date, snapshot_version)
        references mart.chi_thi_04_snapshot (report_date, snapshot_version),
    check (resolved = resolved_early + resolved_on_time + resolved_late),
    check (pending = pending_within + pending_overdue)
);

comment on table mart.chi_thi_04_weekly is
    'Báo cáo tuần Chỉ thị 04/CT-UBND: một dòng mỗi đơn vị, mỗi phiên bản, tổng hợp cả cây đơn vị trực '
    'thuộc, theo trạng thái tại thời điểm chốt / Directive 04 weekly report: one row per unit and '
    'snapshot version, aggregating the unit''s whole subtree, from statuses as of the cutoff';
comment on column mart.chi_thi_04_weekly.report_date is 'Ngày báo cáo (thứ Sáu) / report date R, a Friday';
comment on column mart.chi_thi_04_weekly.period_start is 'Đầu kỳ: R − 7 ngày 00:00 / period start (inclusive)';
comment on column mart.chi_thi_04_weekly.period_end is 'Cuối kỳ = chốt số liệu R 00:00 / period end = cutoff (exclusive)';
comment on column mart.chi_thi_04_weekly.unit_code is 'Mã định danh đơn vị / unit code (MaDinhDanh)';
comment on column mart.chi_thi_04_weekly.unit_name is 'Tên đơn vị tại thời điểm chốt / unit name at the cutoff';
comment on column mart.chi_thi_04_weekly.unit_level is 'Cấp đơn vị (tinh, so, huyen, xa, phong) / unit level';
comment on column mart.chi_thi_04_weekly.parent_unit_code is 'Mã đơn vị cha / parent unit code';
comment on column mart.chi_thi_04_weekly.unit_depth is 'Độ sâu trong cây, gốc = 0 / depth in the unit tree, root = 0';
comment on column mart.chi_thi_04_weekly.tree_path is
    'Đường dẫn mã từ gốc, để sắp xếp theo cây / codes from the root joined by /, to sort in tree order';
comment on column mart.chi_thi_04_weekly.received is 'Số hồ sơ tiếp nhận trong kỳ / dossiers received in the period';
comment on column mart.chi_thi_04_weekly.received_online is 'Trong đó trực tuyến / of which filed online (KenhThucHien = 2)';
comment on column mart.chi_thi_04_weekly.carried_over is
    'Kỳ trước chuyển sang: tiếp nhận trước kỳ, chưa xong lúc đầu kỳ / carried over: received before the period, unfinished at its start';
comment on column mart.chi_thi_04_weekly.resolved is 'Đã giải quyết trong kỳ / resolved in the period (early + on time + late)';
comment on column mart.chi_thi_04_weekly.resolved_early is 'Giải quyết trước hạn / resolved before the due date';
comment on column mart.chi_thi_04_weekly.resolved_on_time is 'Giải quyết đúng hạn (kể cả rút hồ sơ) / resolved on the due date (withdrawals included)';
comment on column mart.chi_thi_04_weekly.resolved_late is 'Giải quyết quá hạn / resolved after the due date';
comment on column mart.chi_thi_04_weekly.pending is 'Đang giải quyết lúc chốt / pending at the cutoff';
comment on column mart.chi_thi_04_weekly.pending_within is 'Đang giải quyết trong hạn (kể cả tạm dừng) / pending within time (paused included)';
comment on column mart.chi_thi_04_weekly.pending_overdue is
    'Đang giải quyết đã quá hạn (tính là trễ) / pending, active and past its due date in force at the cutoff (counts as late)';
comment on column mart.chi_thi_04_weekly.on_time_rate is
    'Tỷ lệ đúng hạn = (trước hạn + đúng hạn) / (đã giải quyết + quá hạn chưa giải quyết) / on-time rate; NULL when nothing to rate';
comment on column mart.chi_thi_04_weekly.late_rate is
    'Tỷ lệ trễ hạn = (quá hạn + đang quá hạn) / (đã giải quyết + đang quá hạn) / late rate; NULL when nothing to rate';
comment on column mart.chi_thi_04_weekly.dvc_deployed is
    'Số DVC trực tuyến (toàn trình, một phần) đã triển khai / online public services deployed in the subtree';
comment on column mart.chi_thi_04_weekly.dvc_with_online_dossiers is
    'Số DVC trực tuyến phát sinh hồ sơ trực tuyến trong kỳ / deployed services with at least one online dossier';
comment on column mart.chi_thi_04_weekly.online_rate is 'Tỷ lệ hồ sơ trực tuyến / online share of received dossiers';
comment on column mart.chi_thi_04_weekly.fee_dossiers is 'Hồ sơ có phí, lệ phí tiếp nhận trong kỳ / fee-bearing dossiers received';
comment on column mart.chi_thi_04_weekly.paid_online_dossiers is
    'Trong đó đã thanh toán trực tuyến thành công lúc chốt / of which paid online, successful at the cutoff';
comment on column mart.chi_thi_04_weekly.dvc_with_online_payment is
    'Số thủ tục có hồ sơ thanh toán trực tuyến / procedures with at least one paid-online dossier';
comment on column mart.chi_thi_04_weekly.online_payment_rate is 'Tỷ lệ thanh toán trực tuyến / online-payment rate of fee-bearing dossiers';
comment on column mart.chi_thi_04_weekly.on_time_colour is 'Màu chỉ số đúng hạn / colour of on_time_rate';
comment on column mart.chi_thi_04_weekly.online_colour is 'Màu chỉ số trực tuyến / colour of online_rate';
comment on column mart.chi_thi_04_weekly.payment_colour is 'Màu chỉ số thanh toán / colour of online_payment_rate';
comment on column mart.chi_thi_04_weekly.overall_colour is
    'Màu chung: màu thấp nhất trong ba màu khác trắng / overall: the lowest-ranked non-white colour, trang if all are';
comment on column mart.chi_thi_04_weekly.prev_on_time_colour is 'Màu đúng hạn tuần trước / on-time colour of the previous report (latest version)';
comment on column mart.chi_thi_04_weekly.prev_online_colour is 'Màu trực tuyến tuần trước / online colour of the previous report';
comment on column mart.chi_thi_04_weekly.prev_payment_colour is 'Màu thanh toán tuần trước / payment colour of the previous report';
comment on column mart.chi_thi_04_weekly.prev_overall_colour is 'Màu chung tuần trước / overall colour of the previous report';
comment on column mart.chi_thi_04_weekly.regressed is
    'Tụt hạng: một chỉ số xuống màu thấp hơn (không tính trắng) / regressed: some indicator dropped to a lower-ranked colour';
comment on column mart.chi_thi_04_weekly.snapshot_version is 'Phiên bản báo cáo / snapshot version';
comment on column mart.chi_thi_04_weekly.published_at is 'Thời điểm công bố phiên bản / when the version was published';

-- Published snapshots are immutable: corrections publish a new version instead.
create function mart.refuse_change() returns trigger
language plpgsql as $$
begin
    raise exception '% is a published snapshot: rows are never changed or removed (publish a new version instead)',
        tg_table_schema || '.' || tg_table_name;
end;
$$;

create trigger chi_thi_04_snapshot_immutable before update or delete on mart.chi_thi_04_snapshot
    for each row execute function mart.refuse_change();
create trigger chi_thi_04_snapshot_no_truncate before truncate on mart.chi_thi_04_snapshot
    for each statement execute function mart.refuse_change();
create trigger chi_thi_04_weekly_immutable before update or delete on mart.chi_thi_04_weekly
    for each row execute function mart.refuse_change();
create trigger chi_thi_04_weekly_no_truncate before truncate on mart.chi_thi_04_weekly
    for each statement execute function mart.refuse_change();

-- ---------------------------------------------------------------------------------------------
-- Views for BI and the previous-week comparison
-- ---------------------------------------------------------------------------------------------

create view mart.chi_thi_04_latest as
select w.*
from mart.chi_thi_04_weekly as w
inner join (
    select report_date, max(snapshot_version) as snapshot_version
    from mart.chi_thi_04_snapshot
    group by report_date
) as latest using (report_date, snapshot_version);

comment on view mart.chi_thi_04_latest is
    'Phiên bản mới nhất của mỗi kỳ báo cáo / the latest version of every report date''s rows';

-- Grain: one row per (report_date, unit_code, indicator) that regressed, latest version.
create view mart.chi_thi_04_regressions as
select
    l.report_date,
    l.unit_code,
    l.unit_name,
    l.unit_level,
    i.indicator,
    i.previous_colour,
    i.colour,
    l.snapshot_version
from mart.chi_thi_04_latest as l
cross join lateral (
    values
        ('on_time', l.prev_on_time_colour, l.on_time_colour),
        ('online', l.prev_online_colour, l.online_colour),
        ('payment', l.prev_payment_colour, l.payment_colour),
        ('overall', l.prev_overall_colour, l.overall_colour)
) as i (indicator, previous_colour, colour)
where mart.colour_rank(i.colour) < mart.colour_rank(i.previous_colour);

comment on view mart.chi_thi_04_regressions is
    'Đơn vị tụt hạng so với tuần trước / units whose colour dropped since the previous report: one row '
    'per (report date, unit, indicator), latest version; to or from trắng is no regression';
comment on column mart.chi_thi_04_regressions.indicator is 'Chỉ số: on_time, online, payment, overall / the indicator';
comment on column mart.chi_thi_04_regressions.previous_colour is 'Màu tuần trước / colour in the previous report';
comment on column mart.chi_thi_04_regressions.colour is 'Màu tuần này / colour in this report';
