#include "kiosk/printer/samples.h"

namespace kiosk::printer {

Receipt SampleReceipt(bool provisional) {
  Receipt r;
  r.agency = "UBND phường An Mỹ, thành phố Tam Kỳ";
  r.provisional = provisional;
  r.dossier_code = provisional ? "" : "000.17.22.H56-261130-0042";
  r.local_reference = "KS-3FA9C21B";
  r.applicant_name = core::PersonalText("NGUYỄN THỊ THU HƯƠNG");
  r.applicant_address = core::PersonalText("Tổ 5, khối phố Mỹ Thạch Trung, phường An Mỹ");
  r.applicant_phone = core::PersonalText("0905 123 456");
  r.procedure_name = "Chứng thực bản sao từ bản chính giấy tờ, văn bản";
  r.procedure_code = "2.000815";
  r.papers = {"Tờ khai điện tử điền tại ki-ốt", "Bản chính giấy tờ cần chứng thực (5 trang)"};
  r.time_limit =
      "Trong ngày; nếu tiếp nhận sau 15 giờ thì trả kết quả trong ngày làm việc tiếp theo";
  r.received_at = "09 giờ 05 phút, ngày 30/11/2026";
  r.appointment = "16 giờ 30 phút, ngày 30/11/2026";
  r.return_method = "Quầy số 2, Bộ phận một cửa UBND phường An Mỹ";
  r.fees = {"Phí chứng thực bản sao: 7.000 đ"};
  r.fee_total = "7.000 đ";
  r.payment_reference = "SIMPOI000001";
  r.at_counter = {"Xuất trình bản chính giấy tờ cho cán bộ tại quầy để đối chiếu với bản sao"};
  r.lookup_secret = provisional ? "" : "Q7KD";
  r.working_hours = "sáng 7 giờ 30 - 11 giờ 30, chiều 13 giờ 30 - 17 giờ, thứ Hai đến thứ Sáu";
  r.hotline = "0235 3851 234";
  r.lookup_url =
      provisional
          ? "https://dichvucong.gov.vn/tra-cuu-ho-so?ref=KS-3FA9C21B"
          : "https://dichvucong.gov.vn/tra-cuu-ho-so?code=000.17.22.H56-261130-0042&secret=Q7KD";
  return r;
}

FeeReceipt SampleFeeReceipt() {
  FeeReceipt r;
  r.agency = "UBND phường An Mỹ, thành phố Tam Kỳ";
  r.payer_name = core::PersonalText("NGUYỄN THỊ THU HƯƠNG");
  r.dossier_reference = "000.17.22.H56-261130-0042";
  r.procedure_name = "Chứng thực bản sao từ bản chính giấy tờ, văn bản";
  r.lines = {{"Phí chứng thực bản sao", "7.000 đ"}};
  r.total = "7.000 đ";
  r.total_in_words = "Bảy nghìn đồng";
  r.method = "Thẻ ngân hàng";
  r.transaction_reference = "SIMPOI000001";
  r.paid_at = "09 giờ 12 phút, ngày 30/11/2026";
  return r;
}

QueueTicket SampleTicket() {
  return {42, "30/11/2026", "09:03", "UBND phường An Mỹ", "Quầy một cửa số 1", 41};
}

}  // namespace kiosk::printer
