-- Notices of return-to-poverty monitoring (防返贫监测, issue 20 part 6): a household came under monitoring, and a monitored
-- household had no helper and measures by its deadline; version 1 of their templates.
INSERT INTO templates (rule, version, title, body, created_by) VALUES
('household_risk_flagged', 1, '防返贫监测预警', '{headName}户（{villageCode}）已纳入防返贫监测（{kind}）：{reason}。请于{respondBy}前落实帮扶责任人和帮扶措施。', 'migration'),
('monitoring_response_overdue', 1, '监测户帮扶逾期', '防返贫监测户{headName}户（{villageCode}，{kind}）应于{respondBy}前落实帮扶责任人和帮扶措施，现已逾期，请立即落实。', 'migration');
