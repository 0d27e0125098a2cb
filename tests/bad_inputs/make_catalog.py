#!/usr/bin/env python3
"""The bad-input catalog (issue 13 item 3): one case per malformed input class of
SPEC §12 and per known failure mode of our dependencies (yaml-cpp 0.7.0, the
SIMD UTF-8 check, minizip/expat). Each case is a directory holding its input
files, `args` (the perfbudget arguments, one per line, paths relative to the
case), `exit` (the expected status) and `expected.en` / `expected.zh` (the exact
standard error with --lang en / zh). tests/bad_inputs.cmake runs every case.

Inputs are written by this script, so bytes no editor shows (NUL, a lone CR,
invalid UTF-8 at a SIMD block edge, UTF-16, GBK) are reproducible and reviewable.
Run from the repository root:

    python3 tests/bad_inputs/make_catalog.py            # writes the inputs and args
    python3 tests/bad_inputs/make_catalog.py --expect build/perfbudget
                                                         # also (re)writes expected.* from a
                                                         # build: read every diff before committing
"""
import io, os, shutil, subprocess, sys, zipfile

ROOT = os.path.dirname(os.path.abspath(__file__))
P_HEAD = b'project_id,name,department,budget,spent\n'
I_HEAD = b'project_id,level1,level2,name,direction,target,actual,unit,weight\n'
I_ROWS = (b'P1,output,quantity,q,ge,100,100,,50\n'
          b'P1,benefit,social,s,ge,100,100,,30\n'
          b'P1,satisfaction,satisfaction,m,ge,90%,90%,%,10\n')
P_ROW = b'P1,project,dept,1000.00,900.00\n'

CASES = {}


def case(name, files, args, code=1):
    CASES[name] = (files, args, code)


def evaluate(projects=P_HEAD + P_ROW, indicators=I_HEAD + I_ROWS):
    return {'projects.csv': projects, 'indicators.csv': indicators}


EVAL = ['evaluate', '--projects', 'projects.csv', '--indicators', 'indicators.csv', '--out', 'out.csv']

# --- Encoding and bytes ---------------------------------------------------------
case('bom_then_invalid_utf8', evaluate(b'\xef\xbb\xbf' + P_HEAD + P_ROW + b'P2,x,d\xff,1,1\n'), EVAL)
case('nul_in_text', evaluate(P_HEAD + b'P1,pro\x00ject,dept,1000.00,900.00\n'), EVAL)
case('lone_cr_line_ends', evaluate(P_HEAD.replace(b'\n', b'\r') + P_ROW.replace(b'\n', b'\r')), EVAL)
case('utf16_file', evaluate((P_HEAD + P_ROW).decode().encode('utf-16')), EVAL)
case('gbk_read_as_utf8', evaluate(P_HEAD + 'P1,项目,县教育局,1000.00,900.00\n'.encode('gbk')), EVAL)
# Invalid UTF-8 at the edges of the 32- and 64-byte SIMD blocks: the byte after
# `offset` bytes of the record (an incomplete 3-byte sequence, then ASCII).
for offset in (0, 31, 32, 63):
    row = b'P1,project,' + b'd' * offset + b'\xe4' + b'b' * 40 + b',1000.00,900.00\n'
    case(f'invalid_utf8_at_{offset}', evaluate(P_HEAD + row), EVAL)

# --- Numbers --------------------------------------------------------------------
case('inf_and_nan', evaluate(P_HEAD + b'P1,project,dept,.inf,nan\n'), EVAL)
case('money_beyond_1e15', evaluate(P_HEAD + b'P1,project,dept,100000000000000000000,1\n'), EVAL)
case('money_three_decimals', evaluate(P_HEAD + b'P1,project,dept,1000.005,1\n'), EVAL)
case('year_of_13_digits', evaluate(b'project_id,name,department,budget,spent,year\n'
                                   b'P1,project,dept,1000.00,900.00,5999999998000\n'), EVAL)
case('value_beyond_decimal_range', evaluate(indicators=I_HEAD + I_ROWS.replace(b'ge,100,100,,50', b'ge,100,10000000000000,,50')), EVAL)
case('twenty_decimals', evaluate(indicators=I_HEAD + I_ROWS.replace(b'ge,100,100,,50', b'ge,100,1.00000000000000000001,,50')), EVAL)
case('thousands_badly_grouped', evaluate(P_HEAD + b'P1,project,dept,"1,00.00",900.00\n'), EVAL)

# --- Dates ----------------------------------------------------------------------
DATE_ROWS = I_ROWS.replace(b',,50', b',,40') + b'P1,output,timeliness,t,date,2023-10-31,ACTUAL,,10\n'
case('date_feb_29_2023', evaluate(indicators=I_HEAD + DATE_ROWS.replace(b'ACTUAL', b'2023-02-29')), EVAL)
case('date_month_13', evaluate(indicators=I_HEAD + DATE_ROWS.replace(b'ACTUAL', b'2024-13-01')), EVAL)

# --- Rule files: yaml-cpp's failure modes ---------------------------------------
CHECK = ['check', 'county.yaml']
case('yaml_deep_nesting', {'county.yaml': b'base: national\nprofile: county\nevaluation:\n  x: ' + b'[' * 200 + b']' * 200 + b'\n'}, CHECK)
case('yaml_alias', {'county.yaml': b'base: national\nprofile: county\nevaluation:\n  grades: &g\n    - {grade: excellent, min: 90}\n  again: *g\n'}, CHECK)
case('yaml_comma_document', {'county.yaml': b',\n'}, CHECK)
case('yaml_duplicate_key', {'county.yaml': b'base: national\nprofile: county\nprofile: other\n'}, CHECK)
case('yaml_octal_like_number', {'county.yaml': b'base: national\nprofile: county\nevaluation:\n  execution:\n    points: 010\n'}, CHECK)
case('yaml_hex_number', {'county.yaml': b'base: national\nprofile: county\nevaluation:\n  execution:\n    points: 0x10\n'}, CHECK)
case('yaml_yes_as_boolean', {'county.yaml': b'base: national\nprofile: county\nevaluation:\n  execution:\n    points: yes\n'}, CHECK)


# --- Hostile workbooks ------------------------------------------------------------
def workbook(sheet_xml, extra=None, compress_level=9):
    parts = {
        '[Content_Types].xml': '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>',
        '_rels/.rels': '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                       '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        'xl/workbook.xml': '<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
                           'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
                           '<sheet name="项目" sheetId="1" r:id="rId1"/></sheets></workbook>',
        'xl/_rels/workbook.xml.rels': '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                                      '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
        'xl/worksheets/sheet1.xml': sheet_xml,
    }
    parts.update(extra or {})
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, 'w', zipfile.ZIP_DEFLATED, compresslevel=compress_level) as z:
        for name, text in parts.items():
            z.writestr(name, text.encode() if isinstance(text, str) else text)
    return buf.getvalue()


SHEET_HEAD = '<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
SHEET_TAIL = '</sheetData></worksheet>'
XLSX = ['evaluate', '--projects', 'book.xlsx', '--indicators', 'indicators.csv', '--out', 'out.csv']
# 300 MB of spaces compresses to about 300 KB: a ratio far beyond any real sheet.
bomb = (SHEET_HEAD + ' ' * (300 << 20) + SHEET_TAIL).encode()
case('xlsx_zip_bomb', {'book.xlsx': workbook(bomb), 'indicators.csv': I_HEAD + I_ROWS}, XLSX)
laughs = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
          '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
          '<row r="1"><c r="A1" t="inlineStr"><is><t>&lol2;</t></is></c></row>' + SHEET_TAIL)
case('xlsx_entity_expansion', {'book.xlsx': workbook(laughs), 'indicators.csv': I_HEAD + I_ROWS}, XLSX)
huge = SHEET_HEAD + '<row r="1"><c r="XFE1" t="inlineStr"><is><t>x</t></is></c></row>' + SHEET_TAIL
case('xlsx_beyond_xfd', {'book.xlsx': workbook(huge), 'indicators.csv': I_HEAD + I_ROWS}, XLSX)
rows = SHEET_HEAD + '<row r="2000000"><c r="A2000000" t="inlineStr"><is><t>x</t></is></c></row>' + SHEET_TAIL
case('xlsx_beyond_last_row', {'book.xlsx': workbook(rows), 'indicators.csv': I_HEAD + I_ROWS}, XLSX)
escape = workbook(SHEET_HEAD + SHEET_TAIL, {
    'xl/_rels/workbook.xml.rels': '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                                  '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="../../../etc/passwd"/></Relationships>'})
case('xlsx_path_outside_archive', {'book.xlsx': escape, 'indicators.csv': I_HEAD + I_ROWS}, XLSX)
case('xls_binary_workbook', {'book.xlsx': b'\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1' + b'\0' * 504, 'indicators.csv': I_HEAD + I_ROWS}, XLSX)


def main():
    perfbudget = None
    if len(sys.argv) == 3 and sys.argv[1] == '--expect':
        perfbudget = os.path.abspath(sys.argv[2])
    for name, (files, args, code) in CASES.items():
        d = os.path.join(ROOT, name)
        if os.path.isdir(d):
            shutil.rmtree(d)
        os.makedirs(d)
        for f, data in files.items():
            with open(os.path.join(d, f), 'wb') as out:
                out.write(data)
        with open(os.path.join(d, 'args'), 'w') as out:
            out.write('\n'.join(args) + '\n')
        with open(os.path.join(d, 'exit'), 'w') as out:
            out.write(f'{code}\n')
        if perfbudget:
            for lang in ('en', 'zh'):
                r = subprocess.run([perfbudget] + args + ['--lang', lang], cwd=d, capture_output=True)
                if r.returncode != code:
                    print(f'{name} ({lang}): exit {r.returncode}, expected {code}', file=sys.stderr)
                with open(os.path.join(d, f'expected.{lang}'), 'wb') as out:
                    out.write(r.stderr)
                if os.path.exists(os.path.join(d, 'out.csv')):
                    print(f'{name}: an output file was written', file=sys.stderr)
    print(f'{len(CASES)} cases in {ROOT}')


main()
