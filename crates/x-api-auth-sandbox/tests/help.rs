//! `x-api-auth-sandbox --help` describes every option and every field of the
//! configuration file, and exits 0; a wrong argument points to it.

use std::process::Command;

use x_api_auth_sandbox::SandboxConfig;

fn sandbox(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_x-api-auth-sandbox"))
        .args(args)
        .output()
        .expect("the sandbox binary runs")
}

#[test]
fn help_describes_every_option_and_configuration_field() {
    let help = sandbox(&["--help"]);
    assert!(help.status.success());
    let text = String::from_utf8(help.stdout).unwrap();
    for option in ["--port", "--config", "--hostile", "--help"] {
        assert!(text.contains(option), "{option} missing from --help");
    }
    let mut fields: Vec<String> = serde_json::to_value(SandboxConfig::default())
        .unwrap()
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect();
    fields.push("rate_limit".to_owned());
    let app = serde_json::to_value(&SandboxConfig::default().apps[0]).unwrap();
    fields.extend(app.as_object().unwrap().keys().cloned());
    for field in fields {
        assert!(
            text.contains(&field),
            "configuration field {field} missing from --help"
        );
    }
}

#[test]
fn a_wrong_argument_points_to_help() {
    let wrong = sandbox(&["--prot", "1"]);
    assert_eq!(wrong.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&wrong.stderr).contains("--help"));
}
