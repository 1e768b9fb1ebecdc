package io.fleet.ingest.tracksolid;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The three vectors of reference §1.4. */
class SignerTest {

  @Test
  void officialDemoVector() {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("app_key", "8FB345B8693CCD00CE073CAB5F094009339A22A4105B6558");
    p.put("expires_in", "7200");
    p.put("format", "json");
    p.put("method", "jimi.oauth.token.get");
    p.put("sign_method", "md5");
    p.put("timestamp", "2025-05-19 10:23:00");
    p.put("user_id", "JMTEST123");
    p.put("user_pwd_md5", "21218cca77804d2ba1922c33e0151105");
    p.put("v", "1.0");
    assertThat(Signer.sign(p, "c0aa0226fddc4365a3c67fef45427f8a"))
        .isEqualTo("4EE067D88EA65FF2AFD4890955E042CB");
  }

  @Test
  void toyVectorInAnyInsertionOrder() {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("foobar", "4");
    p.put("foo_bar", "3");
    p.put("foo", "1");
    p.put("bar", "2");
    assertThat(Signer.sign(p, "h9lri085eachcz4sn7gwnkh6j0jt0yz4"))
        .isEqualTo("2CEB0E3B7EA209555DFFC9296378FDD9");
  }

  @Test
  void alarmListVectorAndEmptyValuesAndSignAreNotSigned() {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("method", "jimi.device.alarm.list");
    p.put("access_token", "7da3330ec28e3996b6ef4a7e3390ba71");
    p.put("app_key", "TESTAPPKEY0001");
    p.put("begin_time", "2024-04-30 08:00:00");
    p.put("end_time", "2024-05-01 08:00:00");
    p.put("format", "json");
    p.put("imeis", "868120145233604,868120145233605");
    p.put("page_no", "1");
    p.put("page_size", "100");
    p.put("sign_method", "md5");
    p.put("timestamp", "2024-05-01 08:05:00");
    p.put("v", "1.0");
    String secret = "0123456789abcdef0123456789abcdef";
    assertThat(Signer.sign(p, secret)).isEqualTo("A418E56ABFFBE758F03BA1D5044237DD");
    p.put("alertTypeId", "");
    p.put("sign", "WHATEVER");
    assertThat(Signer.sign(p, secret)).isEqualTo("A418E56ABFFBE758F03BA1D5044237DD");
  }

  @Test
  void passwordHashIsLowerCaseHex() {
    assertThat(Signer.md5Hex("abc")).isEqualTo("900150983cd24fb0d6963f7d28e17f72");
  }
}
