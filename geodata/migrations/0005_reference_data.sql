-- Default reference data: departments, case categories (GB/T 30428 style codes, SLA hours),
-- sources, lifecycle states and checkpoint element requirements. Codes are data: a city may
-- add or rename rows; re-running this migration never overwrites them.
INSERT INTO departments (code, name, name_en) VALUES
    ('CGJ', '城市管理局', 'City Management Bureau'),
    ('JSJ', '建设发展局', 'Construction Bureau'),
    ('STHJ', '生态环境分局', 'Ecology and Environment Branch'),
    ('JJ', '交警大队', 'Traffic Police Brigade'),
    ('SCJG', '市场监督管理局', 'Market Regulation Bureau'),
    ('GA', '公安分局', 'Public Security Branch'),
    ('YL', '园林绿化中心', 'Landscaping Centre'),
    ('FG', '房产管理中心', 'Housing Management Centre'),
    ('SW', '水务局', 'Water Affairs Bureau')
ON CONFLICT (code) DO NOTHING;

INSERT INTO case_categories (code, name, name_en, parent_code, sla_hours, department_code) VALUES
    ('01', '市容环境', 'City appearance', NULL, 48, 'CGJ'),
    ('02', '宣传广告', 'Advertising', NULL, 72, 'CGJ'),
    ('03', '施工管理', 'Construction', NULL, 72, 'JSJ'),
    ('04', '突发事件', 'Emergencies', NULL, 6, 'CGJ'),
    ('05', '街面秩序', 'Street order', NULL, 12, 'CGJ'),
    ('06', '民生服务', 'Livelihood services', NULL, 72, 'FG')
ON CONFLICT (code) DO NOTHING;
INSERT INTO case_categories (code, name, name_en, parent_code, sla_hours, department_code) VALUES
    ('0101', '暴露垃圾', 'Exposed rubbish', '01', 24, 'CGJ'),
    ('0102', '积存垃圾渣土', 'Accumulated waste', '01', 24, 'CGJ'),
    ('0103', '道路不洁', 'Dirty road', '01', 12, 'CGJ'),
    ('0104', '露天焚烧', 'Open burning', '01', 4, 'STHJ'),
    ('0105', '乱堆物堆料', 'Illegal stacking', '01', 24, 'CGJ'),
    ('0201', '非法小广告', 'Illegal flyers', '02', 48, 'CGJ'),
    ('0202', '违规户外广告', 'Illegal billboard', '02', 72, 'CGJ'),
    ('0301', '施工扰民', 'Construction noise', '03', 24, 'JSJ'),
    ('0302', '施工占道', 'Construction blocking road', '03', 48, 'JSJ'),
    ('0303', '道路破损', 'Damaged road', '03', 72, 'JSJ'),
    ('0401', '路面塌陷', 'Road collapse', '04', 4, 'JSJ'),
    ('0402', '井盖缺失', 'Missing manhole cover', '04', 4, 'SW'),
    ('0403', '道路积水', 'Waterlogging', '04', 6, 'SW'),
    ('0501', '占道经营', 'Street vending', '05', 12, 'CGJ'),
    ('0502', '店外经营', 'Outside-shop trading', '05', 12, 'SCJG'),
    ('0503', '机动车乱停放', 'Illegal car parking', '05', 8, 'JJ'),
    ('0504', '非机动车乱停放', 'Illegal bike parking', '05', 8, 'JJ'),
    ('0601', '噪音扰民', 'Noise nuisance', '06', 48, 'GA'),
    ('0602', '物业纠纷', 'Property management dispute', '06', 120, 'FG'),
    ('0603', '供水供暖', 'Water and heating supply', '06', 24, 'SW'),
    ('0604', '绿化养护', 'Greenery upkeep', '06', 72, 'YL'),
    ('0605', '路灯不亮', 'Street light out', '06', 48, 'CGJ')
ON CONFLICT (code) DO NOTHING;

INSERT INTO case_sources (code, name, name_en) VALUES
    ('hotline', '12345热线', '12345 hotline'),
    ('app', '随手拍', 'Citizen photo app'),
    ('patrol', '网格巡查', 'Grid patrol'),
    ('camera_ai', '视频AI', 'Camera AI'),
    ('inspection', '专项检查', 'Inspection')
ON CONFLICT (code) DO NOTHING;

INSERT INTO case_statuses (code, name, name_en, is_open, step) VALUES
    ('reported', '已受理', 'Reported', true, 1),
    ('dispatched', '已派单', 'Dispatched', true, 2),
    ('accepted', '已签收', 'Accepted', true, 3),
    ('returned', '退回重派', 'Returned', true, 2),
    ('resolved', '已办结', 'Resolved', false, 4),
    ('rated', '已评价', 'Rated', false, 5),
    ('closed', '已核验', 'Verified and closed', false, 6),
    ('rejected', '无效件', 'Rejected as invalid', false, 6),
    ('merged', '已合并', 'Merged as duplicate', false, 6)
ON CONFLICT (code) DO NOTHING;

INSERT INTO checkpoint_types (code, name, name_en) VALUES
    ('school', '学校', 'School'),
    ('intersection', '交通路口', 'Road intersection'),
    ('community', '社区', 'Community'),
    ('market', '农贸市场', 'Market'),
    ('park', '公园广场', 'Park or square'),
    ('commercial', '商业街区', 'Commercial street'),
    ('hospital', '医院', 'Hospital')
ON CONFLICT (code) DO NOTHING;

INSERT INTO checkpoint_elements (type_code, code, name, name_en) VALUES
    ('school', 'ads', '公益广告', 'Public-service ads'),
    ('school', 'sanitation', '周边环境卫生', 'Surrounding sanitation'),
    ('school', 'traffic', '交通秩序', 'Traffic order'),
    ('school', 'guard', '护学岗', 'School-gate guard post'),
    ('school', 'volunteer', '志愿服务站', 'Volunteer station'),
    ('intersection', 'ads', '公益广告', 'Public-service ads'),
    ('intersection', 'camera', '视频监控覆盖', 'Camera coverage'),
    ('intersection', 'traffic', '交通秩序', 'Traffic order'),
    ('intersection', 'persuasion', '文明劝导岗', 'Civility post'),
    ('intersection', 'markings', '道路标线清晰', 'Clear road markings'),
    ('intersection', 'sanitation', '环境卫生', 'Sanitation'),
    ('community', 'ads', '公益广告', 'Public-service ads'),
    ('community', 'volunteer', '志愿服务站', 'Volunteer station'),
    ('community', 'practice', '新时代文明实践站', 'Civilisation practice station'),
    ('community', 'sanitation', '环境卫生', 'Sanitation'),
    ('community', 'sorting', '垃圾分类', 'Waste sorting'),
    ('community', 'board', '宣传栏', 'Notice board'),
    ('market', 'ads', '公益广告', 'Public-service ads'),
    ('market', 'sanitation', '环境卫生', 'Sanitation'),
    ('market', 'order', '经营秩序', 'Trading order'),
    ('market', 'scale', '公平秤', 'Public fair scale'),
    ('market', 'sorting', '垃圾分类', 'Waste sorting'),
    ('park', 'ads', '公益广告', 'Public-service ads'),
    ('park', 'sanitation', '环境卫生', 'Sanitation'),
    ('park', 'signs', '文明游园提示', 'Civility signs'),
    ('park', 'volunteer', '志愿服务站', 'Volunteer station'),
    ('park', 'facilities', '公共设施完好', 'Facilities intact'),
    ('commercial', 'ads', '公益广告', 'Public-service ads'),
    ('commercial', 'sanitation', '环境卫生', 'Sanitation'),
    ('commercial', 'order', '店外经营整治', 'No outside-shop trading'),
    ('commercial', 'parking', '车辆有序停放', 'Orderly parking'),
    ('hospital', 'ads', '公益广告', 'Public-service ads'),
    ('hospital', 'sanitation', '环境卫生', 'Sanitation'),
    ('hospital', 'traffic', '交通秩序', 'Traffic order'),
    ('hospital', 'volunteer', '志愿服务站', 'Volunteer station')
ON CONFLICT (type_code, code) DO NOTHING;
