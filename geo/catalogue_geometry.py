"""What an editor can meet when uploading the geometry of a map feature, in both languages (merged into :data:`geo.i18n.CATALOGUE`).

Used by :mod:`geo.geomfile` (reading the file) and :mod:`geo.geomcheck` (is the geometry fit for the layer).
The English text is what the command line prints (:func:`geo.errors.problem`).
"""

from __future__ import annotations

from typing import Final

_CRS_EXAMPLES_EN = (
    "EPSG:5897 (VN-2000 / TM-3 zone 482, central meridian 105°E: Hà Nội drawings), EPSG:3405 (VN-2000 / UTM 48N), "
    "EPSG:32648 (WGS 84 / UTM 48N) or EPSG:4326 (longitude/latitude in degrees)"
)
_CRS_EXAMPLES_VI = (
    "EPSG:5897 (VN-2000 / TM-3 múi 482, kinh tuyến trục 105°E: bản vẽ của Hà Nội), EPSG:3405 (VN-2000 / UTM 48N), "
    "EPSG:32648 (WGS 84 / UTM 48N) hoặc EPSG:4326 (kinh độ/vĩ độ tính bằng độ)"
)

GEOMETRY_STRINGS: Final[dict[str, dict[str, str]]] = {
    "en": {
        "err.geom_format": "{name}: {suffix!r} is not a geometry file this map reads; upload one of {accepted}.",
        "err.geom_empty_file": "{name}: the file is empty; upload the file that holds the geometry.",
        "err.geom_unreadable": "{name}: cannot be read as {format} ({detail}); check that it is a complete {format} file, or save it again.",
        "err.geom_bad_archive": "{name}: not a readable {format} archive ({detail}); save or zip it again.",
        "err.geom_archive_path": "{name}: the archive holds {member!r}, a path that leads outside its folder (absolute, or with '..'); refused. Zip the files themselves.",
        "err.geom_archive_nested": "{name}: the archive holds another archive ({members}); refused. Upload the inner file itself.",
        "err.geom_kmz_unexpected": "{name}: the KMZ holds unexpected file(s) {members}; a KMZ may hold only one .kml file and images (.png, .jpg, .gif) under files/ or images/. Remove them and upload again.",
        "err.geom_shp_unexpected": "{name}: the zip holds file(s) that are not part of a Shapefile: {members}; it may hold only one Shapefile (.shp, .shx, .dbf and optionally .prj, .cpg, .qix, .sbn, .sbx, .xml). Remove them and upload again.",
        "err.geom_kmz_kml_count": "{name}: a KMZ must hold exactly one .kml file; it holds {n} ({members}).",
        "err.geom_shp_set": "{name}: a zipped Shapefile must hold exactly one Shapefile, its .shp, .shx and .dbf under one name; it holds {members}.",
        "err.geom_doctype": "{name}: the KML declares a DOCTYPE or entities, or a NetworkLink to another file, which an uploaded geometry never needs; refused (nothing is fetched).",
        "err.geom_layer_unknown": "{name}: no layer {layer!r} in the file; its layers are {layers}.",
        "err.geom_no_features": "{name}: no feature with a geometry in the file (layers: {layers}); check that this is the right file.",
        "err.geom_shape": "shape must be one of {allowed}, got {shape!r}.",
        "err.geom_crs_arg": "the CRS must be written as an EPSG code such as 'EPSG:5897', got {crs!r}; proj4 strings and WKT are not accepted (VN-2000 without its EPSG definition lands about 200 m off).",
        "err.geom_crs_unknown": "{crs} is not a CRS this map can use ({detail}); check the number, e.g. " + _CRS_EXAMPLES_EN + ".",
        "err.geom_crs_member": "{name}: the GeoJSON names its CRS as {member}; only an EPSG name is read (\"crs\": {{\"type\": \"name\", \"properties\": {{\"name\": \"EPSG:5897\"}}}}), never a link, which would be fetched. Nothing was read.",
        "err.geom_no_crs": "{name}: the {format} file has no coordinate reference system (CRS). State it as an EPSG code, e.g. " + _CRS_EXAMPLES_EN + ".",
        "err.geom_crs_unidentified": "{name}: the file's CRS ({crs_name}) has no EPSG code, so it cannot be trusted (VN-2000 without its EPSG definition lands about 200 m off). Give the file its EPSG code: save it again choosing the CRS by its EPSG number, e.g. " + _CRS_EXAMPLES_EN + ".",
        "err.geom_crs_conflict": "{name}: the file says its CRS is {file_crs}, but {crs} was given; refused rather than override the file. Leave the CRS empty to use the file's own, or correct the file.",
        "err.geom_not_degrees": "{name}: coordinates such as ({x:.0f}, {y:.0f}) are not degrees, but the CRS is {crs} (longitude/latitude in degrees; a GeoJSON without a \"crs\" member and every KML are EPSG:4326 by their specification). Coordinates in metres need their projected CRS: save the file as GeoPackage or Shapefile with its CRS, or give a CSV with its EPSG code.",
        "err.geom_csv_encoding": "{name}: not UTF-8 text ({detail}); save the CSV as UTF-8 (Excel: 'CSV UTF-8').",
        "err.geom_csv_columns": "{name}: no coordinate columns; the first row must name them x and y (or lon/lat, lng/lat, longitude/latitude, easting/northing, kinh độ/vĩ độ); found {found}.",
        "err.geom_csv_number": "{name}: line {line}, column {column!r}: {value!r} is not a finite number; write coordinates as numbers such as 105.8523 or 588394.3.",
        "err.geom_csv_line_points": "{name}: part {part!r} has {n} distinct point(s); a line needs at least 2.",
        "err.geom_csv_polygon_points": "{name}: part {part!r} has {n} distinct point(s); a polygon needs at least 3 (the ring is closed automatically).",
        "err.geom_choose": "{name}: the file holds {n} features; choose one by its number or label: {listing}.",
        "err.geom_pick_range": "{name}: there is no feature #{pick}; the file holds features #1 to #{n}.",
        "err.geom_pick_range#one": "{name}: there is no feature #{pick}; the file holds one feature, #1.",
        "err.geom_pick_unknown": "{name}: no feature is labelled {pick!r}; choose one of: {listing}.",
        "err.geom_pick_ambiguous": "{name}: {n} features are labelled {pick!r} ({listing}); choose one by its number.",
        "err.geom_layer_kind": "layer_geometry must be one of {allowed}, got {value!r} (see the layer's 'geometry' in data/layers.json).",
        "err.geom_empty": "no geometry: a feature of this layer needs a {expected}.",
        "err.geom_wrong_type": "the geometry is a {found}, but features of this layer are a {expected}; upload a geometry of that type, or choose another layer.",
        "err.geom_not_finite": "{bad} coordinate(s) are not finite numbers (NaN or infinity); check the file's coordinates and its CRS.",
        "err.geom_too_few_points": "the line has fewer than 2 distinct points; a line needs at least two.",
        "err.geom_no_area": "the polygon has no area (its corners repeat or lie on one line); a polygon needs at least 3 corners not on a line.",
        "err.geom_invalid": "the geometry is invalid ({reason}); a repaired shape is offered: check it on the map and accept it, or correct the drawing.",
        "err.geom_unrepairable": "the geometry is invalid ({reason}) and cannot be repaired into a {expected}; correct the drawing.",
        "err.geom_outside": "the geometry lies outside the Hà Nội region (longitude {west}–{east}, latitude {south}–{north}); for example ({x:.5f}, {y:.5f}). Check the CRS (the EPSG code) and the coordinates.",
        "err.geom_far": "the geometry lies {distance_km:.1f} km from the Hà Nội boundary, farther than the {tolerance_km:g} km allowed; check the CRS (the EPSG code) and the coordinates.",
        "err.geom_swapped": "the coordinates look like latitude/longitude in swapped order: ({x:.5f}, {y:.5f}) lies outside Hà Nội, but read the other way round it falls inside. Put longitude (about 105.8) first and latitude (about 21) second, or swap the two columns.",
    },
    "vi": {
        "err.geom_format": "{name}: {suffix!r} không phải tệp hình học mà bản đồ đọc được; hãy tải lên một trong các dạng {accepted}.",
        "err.geom_empty_file": "{name}: tệp trống; hãy tải lên tệp chứa hình học.",
        "err.geom_unreadable": "{name}: không đọc được dạng {format} ({detail}); hãy kiểm tra tệp {format} có đầy đủ không, hoặc lưu lại tệp.",
        "err.geom_bad_archive": "{name}: không đọc được tệp nén {format} ({detail}); hãy lưu hoặc nén lại.",
        "err.geom_archive_path": "{name}: tệp nén chứa {member!r}, một đường dẫn ra ngoài thư mục của nó (tuyệt đối, hoặc có '..'); bị từ chối. Hãy nén chính các tệp.",
        "err.geom_archive_nested": "{name}: tệp nén chứa một tệp nén khác ({members}); bị từ chối. Hãy tải lên chính tệp bên trong.",
        "err.geom_kmz_unexpected": "{name}: tệp KMZ chứa (các) tệp không mong đợi {members}; KMZ chỉ được chứa một tệp .kml và ảnh (.png, .jpg, .gif) trong thư mục files/ hoặc images/. Hãy bỏ chúng ra rồi tải lên lại.",
        "err.geom_shp_unexpected": "{name}: tệp zip chứa (các) tệp không thuộc Shapefile: {members}; chỉ được chứa một Shapefile (.shp, .shx, .dbf và có thể thêm .prj, .cpg, .qix, .sbn, .sbx, .xml). Hãy bỏ chúng ra rồi tải lên lại.",
        "err.geom_kmz_kml_count": "{name}: tệp KMZ phải chứa đúng một tệp .kml; đang chứa {n} ({members}).",
        "err.geom_shp_set": "{name}: tệp Shapefile nén phải chứa đúng một Shapefile, gồm .shp, .shx và .dbf cùng tên; đang chứa {members}.",
        "err.geom_doctype": "{name}: tệp KML khai báo DOCTYPE hoặc thực thể (entity), hoặc liên kết mạng (NetworkLink) tới tệp khác, điều mà một hình học tải lên không bao giờ cần; bị từ chối (không tải gì về).",
        "err.geom_layer_unknown": "{name}: tệp không có lớp {layer!r}; các lớp của tệp là {layers}.",
        "err.geom_no_features": "{name}: tệp không có đối tượng nào có hình học (các lớp: {layers}); hãy kiểm tra có đúng tệp không.",
        "err.geom_shape": "shape phải là một trong {allowed}, nhận được {shape!r}.",
        "err.geom_crs_arg": "Hệ tọa độ phải ghi bằng mã EPSG, ví dụ 'EPSG:5897', nhận được {crs!r}; không nhận chuỗi proj4 hay WKT (VN-2000 không có định nghĩa EPSG lệch khoảng 200 m).",
        "err.geom_crs_unknown": "{crs} không phải hệ tọa độ bản đồ dùng được ({detail}); hãy kiểm tra lại số hiệu, ví dụ " + _CRS_EXAMPLES_VI + ".",
        "err.geom_crs_member": "{name}: tệp GeoJSON khai báo hệ tọa độ là {member}; chỉ đọc tên EPSG (\"crs\": {{\"type\": \"name\", \"properties\": {{\"name\": \"EPSG:5897\"}}}}), không bao giờ đọc một liên kết (sẽ phải tải về). Chưa đọc gì.",
        "err.geom_no_crs": "{name}: tệp {format} không có hệ tọa độ (CRS). Hãy cho biết hệ tọa độ bằng mã EPSG, ví dụ " + _CRS_EXAMPLES_VI + ".",
        "err.geom_crs_unidentified": "{name}: hệ tọa độ của tệp ({crs_name}) không có mã EPSG nên không thể tin cậy (VN-2000 không có định nghĩa EPSG lệch khoảng 200 m). Hãy gán mã EPSG cho tệp: lưu lại tệp, chọn hệ tọa độ theo số hiệu EPSG, ví dụ " + _CRS_EXAMPLES_VI + ".",
        "err.geom_crs_conflict": "{name}: tệp ghi hệ tọa độ là {file_crs}, nhưng lại chọn {crs}; bị từ chối để không ghi đè lên tệp. Hãy để trống hệ tọa độ để dùng hệ của tệp, hoặc sửa tệp.",
        "err.geom_not_degrees": "{name}: tọa độ như ({x:.0f}, {y:.0f}) không phải độ, nhưng hệ tọa độ là {crs} (kinh độ/vĩ độ tính bằng độ; theo đặc tả, GeoJSON không có mục \"crs\" và mọi tệp KML đều là EPSG:4326). Tọa độ tính bằng mét cần hệ tọa độ phẳng của nó: hãy lưu tệp dạng GeoPackage hoặc Shapefile kèm hệ tọa độ, hoặc dùng CSV kèm mã EPSG.",
        "err.geom_csv_encoding": "{name}: không phải văn bản UTF-8 ({detail}); hãy lưu CSV dạng UTF-8 (Excel: 'CSV UTF-8').",
        "err.geom_csv_columns": "{name}: không có cột tọa độ; dòng đầu phải đặt tên chúng là x và y (hoặc lon/lat, lng/lat, longitude/latitude, easting/northing, kinh độ/vĩ độ); đang có {found}.",
        "err.geom_csv_number": "{name}: dòng {line}, cột {column!r}: {value!r} không phải số hữu hạn; hãy ghi tọa độ bằng số, ví dụ 105.8523 hoặc 588394.3.",
        "err.geom_csv_line_points": "{name}: phần {part!r} có {n} điểm khác nhau; một đường cần ít nhất 2 điểm.",
        "err.geom_csv_polygon_points": "{name}: phần {part!r} có {n} điểm khác nhau; một vùng cần ít nhất 3 điểm (vòng bao được tự động khép kín).",
        "err.geom_choose": "{name}: tệp có {n} đối tượng; hãy chọn một theo số thứ tự hoặc tên: {listing}.",
        "err.geom_pick_range": "{name}: không có đối tượng #{pick}; tệp có các đối tượng từ #1 đến #{n}.",
        "err.geom_pick_unknown": "{name}: không có đối tượng nào tên {pick!r}; hãy chọn một trong: {listing}.",
        "err.geom_pick_ambiguous": "{name}: {n} đối tượng cùng tên {pick!r} ({listing}); hãy chọn theo số thứ tự.",
        "err.geom_layer_kind": "layer_geometry phải là một trong {allowed}, nhận được {value!r} (xem mục 'geometry' của lớp trong data/layers.json).",
        "err.geom_empty": "Không có hình học: đối tượng của lớp này cần một {expected}.",
        "err.geom_wrong_type": "Hình học là {found}, nhưng đối tượng của lớp này là {expected}; hãy tải lên hình học đúng loại, hoặc chọn lớp khác.",
        "err.geom_not_finite": "{bad} tọa độ không phải số hữu hạn (NaN hoặc vô cực); hãy kiểm tra tọa độ và hệ tọa độ của tệp.",
        "err.geom_too_few_points": "Đường có ít hơn 2 điểm khác nhau; một đường cần ít nhất hai điểm.",
        "err.geom_no_area": "Vùng không có diện tích (các góc trùng nhau hoặc nằm trên một đường thẳng); một vùng cần ít nhất 3 góc không thẳng hàng.",
        "err.geom_invalid": "Hình học không hợp lệ ({reason}); đã đề xuất một hình đã sửa: hãy xem trên bản đồ rồi chấp nhận, hoặc sửa lại bản vẽ.",
        "err.geom_unrepairable": "Hình học không hợp lệ ({reason}) và không sửa được thành {expected}; hãy sửa lại bản vẽ.",
        "err.geom_outside": "Hình học nằm ngoài vùng Hà Nội (kinh độ {west}–{east}, vĩ độ {south}–{north}); ví dụ ({x:.5f}, {y:.5f}). Hãy kiểm tra hệ tọa độ (mã EPSG) và tọa độ.",
        "err.geom_far": "Hình học cách ranh giới Hà Nội {distance_km:.1f} km, xa hơn mức cho phép {tolerance_km:g} km; hãy kiểm tra hệ tọa độ (mã EPSG) và tọa độ.",
        "err.geom_swapped": "Tọa độ có vẻ ghi vĩ độ/kinh độ ngược thứ tự: ({x:.5f}, {y:.5f}) nằm ngoài Hà Nội, nhưng đọc đảo lại thì nằm trong. Hãy ghi kinh độ (khoảng 105,8) trước, vĩ độ (khoảng 21) sau, hoặc đổi chỗ hai cột.",
    },
}
