-- Monthly reminder (每月联系) to helpers with households not yet contacted this month: version 1 of its template.
INSERT INTO templates (rule, version, title, body, created_by) VALUES
('contact_reminder', 1, '每月联系提醒（{month}）', '{helperName}同志：您帮扶的{count}户（{households}）本月尚未联系，请在月底前电话联系或入户走访并记录。', 'migration');
