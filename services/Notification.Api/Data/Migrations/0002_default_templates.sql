-- Default Chinese templates, version 1 of each rule. New versions are saved through POST /api/notification/templates/{rule}.
INSERT INTO templates (rule, version, title, body, created_by) VALUES
('coverage_gap_opened', 1, '驻村力量空缺：{villageCode}', '{villageCode}的{forceName}已于{endsOn}离岗（{reason}），该村出现空缺，请尽快选派补位。', 'migration'),
('coverage_gap_still_open', 1, '驻村力量空缺仍未补位：{villageCode}', '{villageCode}的{forceName}自{openedOn}起空缺已{days}天，请尽快选派补位。', 'migration'),
('cadre_recalled', 1, '干部召回通知', '{cadreName}同志在{villageCode}的驻村任务已于{effectiveOn}召回，原因：{reason}。', 'migration'),
('leave_decided', 1, '请假审批结果', '{cadreName}同志：您{startsOn}至{endsOn}共{days}天的请假申请{decision}。{note}', 'migration'),
('household_contact_overdue', 1, '帮扶联系逾期提醒', '您帮扶的农户（{householdId}，{villageCode}）在{period}{missing}，请尽快联系走访。', 'migration'),
('village_category_changed', 1, '村类别变更：{villageName}', '{villageName}（{villageCode}）由{previousCategory}变更为{category}，原因：{reason}。', 'migration'),
('check_in_missing', 1, '驻村打卡提醒', '{cadreName}同志：截至{deadline}，您{date}尚未在{villageCode}驻村打卡，请及时打卡或请假。', 'migration'),
('weekly_digest', 1, '每周通知摘要（{from}至{to}）', '{region}本周通知情况：{summary}', 'migration');
