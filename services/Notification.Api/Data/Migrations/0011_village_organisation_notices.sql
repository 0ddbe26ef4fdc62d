-- Notices of the village's own organisation (issue 20): a weak or lax village party organisation flagged for
-- rectification and its flag lifted (软弱涣散村整顿), a village cadre adjusted or removed during the term (调整撤换).
INSERT INTO templates (rule, version, title, body, created_by) VALUES
('village_rectification_flagged', 1, '软弱涣散村整顿通知', '{villageName}（{villageCode}）党组织列为软弱涣散村，须于{deadline}前完成整顿，整改问题{problems}个。原因：{reason}', 'migration'),
('village_rectification_lifted', 1, '软弱涣散村整顿销号', '{villageName}（{villageCode}）软弱涣散村整顿的{problems}个问题已全部销号，经复核摘帽{lateNote}。', 'migration'),
('village_committee_changed', 1, '村干部调整撤换', '{villageName}（{villageCode}）{seat}{personName}已于{effectiveOn}{change}。原因：{reason}', 'migration');
