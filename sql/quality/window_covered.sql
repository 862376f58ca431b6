-- Whether an entity's loads of a source already cover a window:
-- a catalogue loaded for the window a batch
-- of dossiers covers has had its chance to bring every unit and procedure they name.
select exists(
    select from meta.watermark
    where source_code = %(source_code)s
        and entity = %(entity)s
        and window_start <= %(window_start)s
        and window_end >= %(window_end)s
)
