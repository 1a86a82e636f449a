"""The CBS list of localities as the geography tree: country → district → sub-district →
locality, with population and municipal status, idempotent, and the real file when present."""

from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from meshutaf.core.tables import TableFileError
from meshutaf.measurement import services
from meshutaf.measurement.geography import localities_read, localities_read_path
from meshutaf.measurement.models import Geography

REAL_FILE = Path("/work/shared/data/israel-localities/localities.csv")
HEADER = (
    "id,name,name_en,district_id,district_name,sub_district_id,sub_district_name,"
    "municipal_status_id,municipal_status_name,coordinates_itm_east,population"
)
SAMPLE = "\n".join(
    [
        HEADER,
        '7001,"כפר אלון","Kfar Alon",2,"הצפון",24,"עכו",99,"מועצה מקומית",210520,7881',
        '7002,"נווה ים","Neve Yam",2,"הצפון",24,"עכו",56,"מועצה אזורית חוף",216180,"1,204"',
        '7003,"תל חורש","Tel Horesh",3,"חיפה",32,"חדרה",0,"עירייה",200000,52100',
        '7004,"מקום קטן","Small Place",3,"חיפה",32,"חדרה",56,"מועצה אזורית חוף",200001,',
    ]
).encode("utf-8-sig")


def test_reads_the_cbs_columns():
    localities = localities_read(SAMPLE)
    assert [item.id for item in localities] == [7001, 7002, 7003, 7004]
    first = localities[0]
    assert (first.name, first.name_en, first.district_id, first.sub_district_id) == (
        "כפר אלון",
        "Kfar Alon",
        2,
        24,
    )
    assert first.municipal_status == "מועצה מקומית"
    assert localities[3].population is None


def test_a_file_that_is_not_the_list_is_refused():
    with pytest.raises(TableFileError, match="district_id"):
        localities_read(b"id,name\n1,x\n")
    with pytest.raises(TableFileError, match="Row 2: the id"):
        localities_read((HEADER + "\nabc,x,x,2,d,24,s,1,m,1,5\n").encode())
    with pytest.raises(TableFileError, match="appears twice"):
        localities_read(SAMPLE + b'\n7001,"again","",2,"d",24,"s",1,"m",1,5\n')


def test_imports_the_tree_with_population_and_status(db):
    counts = services.geography_import(rows=localities_read(SAMPLE))
    assert counts["country"] == 1
    assert counts["district"] == 2
    assert counts["sub_district"] == 2
    assert counts["locality"] == 4
    assert counts["created"] == 9
    assert counts["updated"] == 0
    alon = Geography.objects.select_related("parent__parent__parent").get(code="L7001")
    assert alon.level == "locality"
    assert alon.name == "כפר אלון"
    assert alon.name_en == "Kfar Alon"
    assert alon.population == 7881
    assert alon.municipal_status == "מועצה מקומית"
    assert [alon.parent.code, alon.parent.parent.code, alon.parent.parent.parent.code] == [
        "SD24",
        "D2",
        "IL",
    ]
    assert alon.parent.name == "עכו"
    assert alon.parent.level == "sub_district"
    assert Geography.objects.get(code="L7002").population == 1204  # "1,204"
    assert Geography.objects.get(code="IL").name_en == "Israel"


def test_importing_twice_changes_nothing(db):
    services.geography_import(rows=localities_read(SAMPLE))
    before = list(Geography.objects.order_by("code").values())
    counts = services.geography_import(rows=localities_read(SAMPLE))
    assert (counts["created"], counts["updated"], counts["unchanged"]) == (0, 0, 9)
    assert list(Geography.objects.order_by("code").values()) == before


def test_a_new_edition_updates_in_place(db, initiative, owner):
    services.geography_import(rows=localities_read(SAMPLE))
    alon = Geography.objects.get(code="L7001")
    neighbourhood = services.geography_add(
        initiative=initiative, by=owner, parent=alon, name="מרכז", level="neighbourhood"
    )
    changed = SAMPLE.replace(b"7881", b"8000").replace(b'"Kfar Alon"', b'""')
    counts = services.geography_import(rows=localities_read(changed))
    assert (counts["created"], counts["updated"]) == (0, 1)
    alon.refresh_from_db()
    assert alon.population == 8000
    assert alon.name_en == "Kfar Alon"  # an empty English name leaves the stored one
    neighbourhood.refresh_from_db()
    assert neighbourhood.parent == alon
    assert neighbourhood.initiative == initiative


def test_an_initiatives_own_code_is_not_taken_over(db, initiative):
    Geography.objects.create(code="L7001", level="neighbourhood", name="x", initiative=initiative)
    with pytest.raises(ValidationError, match="L7001"):
        services.geography_import(rows=localities_read(SAMPLE))
    assert not Geography.objects.filter(code="IL").exists()


@pytest.mark.skipif(not REAL_FILE.exists(), reason="the CBS localities file is not here")
def test_the_real_list(db, django_assert_max_num_queries):
    localities = localities_read_path(REAL_FILE)
    # The README says 1,227; the file as shipped holds 1,228 rows, each a distinct locality.
    assert len(localities) == len({item.id for item in localities}) >= 1227
    with django_assert_max_num_queries(40):
        counts = services.geography_import(rows=localities)
    assert counts["locality"] == len(localities)
    assert Geography.objects.filter(level="locality").count() == len(localities)
    assert counts["district"] == 7
    assert counts["sub_district"] == Geography.objects.filter(level="sub_district").count()
    assert Geography.objects.get(code="L472").population == 7881  # Abu Ghosh
    assert services.geography_import(rows=localities)["created"] == 0
