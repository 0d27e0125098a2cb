#!/usr/bin/env python3
"""Writes the example county (examples/data) the way spreadsheets hand it over
(SPEC §3a), one form per file, so tests can check that perfbudget reads each
form exactly as the tidy file: same results, byte for byte.

Run from the repository root: python3 tests/data/messy/make_messy.py
The files it writes are committed; this script says how they were made."""
import csv, io, os

ROOT = os.path.dirname(os.path.abspath(__file__))
EX = os.path.join(ROOT, '..', '..', '..', 'examples', 'data')

FULL = str.maketrans('0123456789.-%', '０１２３４５６７８９．－％')

def rows(name):
    with open(os.path.join(EX, name), encoding='utf-8') as f:
        return list(csv.reader(f))

def write(name, table, bom=False):
    buf = io.StringIO()
    csv.writer(buf, lineterminator='\r\n').writerows(table)
    with open(os.path.join(ROOT, name), 'w', encoding='utf-8-sig' if bom else 'utf-8', newline='') as f:
        f.write(buf.getvalue())

def wan(yuan):
    """Yuan with 2 decimals as 万元 with 6, exactly."""
    fen = int(yuan.replace('.', ''))
    sign = '-' if fen < 0 else ''
    fen = abs(fen)
    return f'{sign}{fen // 1000000}.{fen % 1000000:06d}'

def thousands(yuan):
    whole, _, frac = yuan.partition('.')
    return f'{int(whole):,}' + ('.' + frac if frac else '')

P_ZH = {'project_id': '项目编号', 'name': '项目名称', 'department': '主管部门', 'budget': '全年预算数',
        'spent': '全年执行数', 'budget_kind': '预算类型', 'fund_source': '资金来源', 'category': '项目类别',
        'year': '预算年度', 'goal': '年度总体目标'}
I_ZH = {'project_id': '项目编号', 'level1': '一级指标', 'level2': '二级指标', 'name': '三级指标',
        'direction': '指标性质', 'target': '年度指标值', 'actual': '实际完成值', 'unit': '计量单位', 'weight': '分值'}

projects = rows('projects.csv')
indicators = rows('indicators.csv')
ph, pr = projects[0], projects[1:]
ih, ir = indicators[0], indicators[1:]
b, s = ph.index('budget'), ph.index('spent')

# 1. Projects: a title and a unit line above a Chinese header with units in
#    brackets and a line break, amounts in 万元, one in full-width digits.
table = [['2023年度项目支出绩效自评汇总表'] + [''] * (len(ph) - 1), ['单位：万元', '', '', '', '填报日期：2024年1月']]
header = [P_ZH[c] for c in ph]
header[b] = '全年预算数\n（万元）'
header[s] = '全年执行数（万元）'
table.append(header)
for i, r in enumerate(pr):
    r = list(r)
    r[b], r[s] = wan(r[b]), wan(r[s])
    if i == 1:
        r[b] = r[b].translate(FULL)
    table.append(r)
write('projects_wan.csv', table, bom=True)

# 2. Projects in yuan with thousands separators and full-width forms, and the
#    department merged down (blank under the first project of each department).
table = [[P_ZH[c] for c in ph]]
last = None
for r in pr:
    r = list(r)
    r[b], r[s] = thousands(r[b]), thousands(r[s]).translate(FULL)
    d = ph.index('department')
    if r[d] == last:
        r[d] = ''
    else:
        last = r[d]
    table.append(r)
write('projects_thousands.csv', table)

# 3. Indicators: a title row, Chinese header with units, merged cells (blank
#    project_id, level1, level2 under the first row of a run), date forms,
#    full-width percentages.
L1 = {'output': '产出指标', 'benefit': '效益指标', 'satisfaction': '满意度指标'}
L2 = {'quantity': '数量指标', 'quality': '质量指标', 'timeliness': '时效指标', 'cost': '成本指标',
      'economic': '经济效益指标', 'social': '社会效益指标', 'ecological': '生态效益指标',
      'sustainable': '可持续影响指标', 'satisfaction': '服务对象满意度指标'}
table = [['项目绩效指标完成情况表', '', '', ''], [I_ZH[c] + ('（分）' if c == 'weight' else '') for c in ih]]
date_forms = [lambda y, m, d: f'{y}/{m}/{d}', lambda y, m, d: f'{y}年{m}月{d}日', lambda y, m, d: f'{y}.{m}.{d}']
k = 0
prev = None
P, L1c, L2c = ih.index('project_id'), ih.index('level1'), ih.index('level2')
for r in ir:
    r = list(r)
    key = (r[P], r[L1c], r[L2c])
    r[L1c], r[L2c] = L1[r[L1c]], L2[r[L2c]]
    # A merged cell keeps its text in its first row only, within its parent's run.
    if prev and prev[0] == key[0]:
        r[P] = ''
        if prev[1] == key[1]:
            r[L1c] = ''
            if prev[2] == key[2]:
                r[L2c] = ''
    prev = key
    if r[ih.index('direction')] == 'date':
        for c in ('target', 'actual'):
            j = ih.index(c)
            if r[j]:
                y, m, d = (int(x) for x in r[j].split('-'))
                r[j] = date_forms[k % 3](y, m, d)
                k += 1
    for c in ('target', 'actual'):
        j = ih.index(c)
        if r[j].endswith('%'):
            r[j] = r[j].translate(FULL)
    table.append(r)
write('indicators_merged.csv', table)
