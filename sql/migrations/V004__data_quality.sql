-- V004: the quality gate's results, for data engineers to query.
--
-- Grain of meta.dq_run: one row per validated batch (the latest gate run over it).
-- Grain of meta.dq_result: one row per (batch, rule) of that run; a rule is one expectation of
-- the entity's suite in expectations/<entity>.json, named by its meta.rule.
-- Both are replaced, never appended, when the gate runs again over a batch (idempotent).

create table meta.dq_run (
    batch_id bigint primary key references meta.load_batch (batch_id),
    entity text not null,
    suite_name text not null,
    gx_version text not null,
    n_checked integer not null,
    n_bad_rows integer not null,
    bad_share numeric not null,
    max_bad_share numeric not null,
    is_rejected boolean not null,
    duration_ms integer not null,
    run_at timestamptz not null default now(),
    check (n_bad_rows between 0 and n_checked),
    check (is_rejected = (bad_share > max_bad_share))
);

comment on table meta.dq_run is
    'Lần kiểm tra chất lượng của lô / one quality-gate run per batch: rows checked, distinct bad '
    'rows, their share against the threshold, and whether the batch was rejected';
comment on column meta.dq_run.n_checked is 'Số bản ghi được kiểm tra (đã staging) / staged rows checked';
comment on column meta.dq_run.n_bad_rows is
    'Số bản ghi vi phạm ít nhất một quy tắc (bị cách ly) / distinct rows failing at least one rule (quarantined)';
comment on column meta.dq_run.bad_share is 'Tỷ lệ bản ghi lỗi = n_bad_rows / n_checked / share of bad rows';
comment on column meta.dq_run.max_bad_share is
    'Ngưỡng tỷ lệ lỗi cho phép lúc chạy / the configured bad-row share above which the batch is rejected';
comment on column meta.dq_run.is_rejected is 'Lô bị từ chối / the batch was rejected (bad_share > max_bad_share)';
comment on column meta.dq_run.duration_ms is
    'Thời gian chạy cổng chất lượng (ms) / wall time of the gate: GX validation and quarantine writes';

create table meta.dq_result (
    batch_id bigint not null references meta.dq_run (batch_id) on delete cascade,
    rule text not null,
    expectation text not null,
    expectation_kwargs jsonb not null,
    is_reference boolean not null,
    success boolean not null,
    element_count integer,
    unexpected_count integer not null,
    unexpected_percent numeric,
    observed jsonb,
    run_at timestamptz not null default now(),
    primary key (batch_id, rule)
);
create index dq_result_failures_idx on meta.dq_result (rule, batch_id) where not success;

comment on table meta.dq_result is
    'Kết quả từng quy tắc chất lượng của lô / one row per (batch, rule): the Great Expectations '
    'result summary of every expectation of the entity''s suite';
comment on column meta.dq_result.rule is
    'Tên ngắn, ổn định của quy tắc (meta.rule trong bộ expectation) / short stable rule name, as in quarantine.*.rule';
comment on column meta.dq_result.expectation is 'Loại expectation GX / the Great Expectations expectation type';
comment on column meta.dq_result.expectation_kwargs is
    'Tham số của expectation (đã thay tham số chạy) / the expectation''s arguments, runtime parameters substituted';
comment on column meta.dq_result.is_reference is
    'Quy tắc tham chiếu (đơn vị, thủ tục, hồ sơ chưa có): bản ghi được giữ lại chờ / a reference rule: '
    'its rows are parked until the missing record arrives (quality.gate.release_parked)';
comment on column meta.dq_result.element_count is
    'Số bản ghi được xét (NULL với expectation dạng truy vấn) / rows the expectation looked at (NULL for query expectations)';
comment on column meta.dq_result.unexpected_count is 'Số bản ghi vi phạm / rows that failed the rule';
comment on column meta.dq_result.observed is
    'Chi tiết quan sát của GX (vd. giá trị mẫu) / GX''s observed details, e.g. sample unexpected values';
