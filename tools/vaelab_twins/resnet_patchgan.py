"""The ResNetV2 trunks ("How to train your VAE" §3.4, spec §3) and the PatchGAN discriminator (Isola et al.
2017; eq. 22-24), with vaelab's module names so state_dict keys match an export.

ResNetV2 is the pre-activation ResNet (He et al. 2016): every block is BN -> ReLU -> conv twice with the
shortcut added after, and the trunk ends with the BN -> ReLU the last block left out.
  IdentityBlock(c):   x + conv3x3(ReLU(BN(conv3x3(ReLU(BN(x))))))                     (Id-ResBlock)
  DownBlock(i, o):    a = ReLU(BN(x)); conv1x1/2(a) + conv3x3(ReLU(BN(conv3x3/2(a))))  (Conv-ResBlock)
  UpBlock(i, o, p):   the same with transposed convs (k3 p1 / k1, stride 2, output_padding p) (Conv-ResBlock-T)
Convs inside blocks have no bias (each is followed by a BN or a residual sum).
  encoder: stem conv3x3 C->ch[0] | per stage s: down{s} (halves n -> ceil(n/2)), stage{s}_id{b} x blocks
           | final_bn, final_relu, flatten | dense hidden... -> out
  decoder: dense in -> hidden reversed... -> ch[-1]*h*w | unflatten | per stage s reversed: stage{s}_id{b}
           x blocks, up{s} back to the encoder's size at stage s | final_bn, final_relu, head conv3x3 -> C
The dense layers sit in the same nn.Sequential under their position as name ("8", "10", ...), as vaelab's
unnamed Sequential entries are.

PatchGAN(C, c, norm): conv0 4x4/2 (C -> c, bias), LeakyReLU(0.2), conv{1,2} 4x4/2 (-> 2c, 4c; no bias when
normalised) each followed by norm{1,2} (BatchNorm / affine InstanceNorm / none) and LeakyReLU(0.2), then head
conv3x3/1 -> 1 channel: logits of an (H/8 x W/8) realism map.
"""
from collections import OrderedDict
from typing import List

from torch import nn

from .backbone import activation, shape_of


def _conv3x3(cin: int, cout: int, stride: int = 1) -> nn.Conv2d:
    return nn.Conv2d(cin, cout, 3, stride=stride, padding=1, bias=False)


class IdentityBlock(nn.Module):
    def __init__(self, channels: int):
        super().__init__()
        self.bn1, self.bn2 = nn.BatchNorm2d(channels), nn.BatchNorm2d(channels)
        self.conv1, self.conv2 = _conv3x3(channels, channels), _conv3x3(channels, channels)

    def forward(self, x):
        h = self.conv1(self.bn1(x).relu())
        return x + self.conv2(self.bn2(h).relu())


class DownBlock(nn.Module):
    def __init__(self, cin: int, cout: int):
        super().__init__()
        self.bn1, self.bn2 = nn.BatchNorm2d(cin), nn.BatchNorm2d(cout)
        self.conv1, self.conv2 = _conv3x3(cin, cout, 2), _conv3x3(cout, cout)
        self.shortcut = nn.Conv2d(cin, cout, 1, stride=2, bias=False)

    def forward(self, x):
        a = self.bn1(x).relu()
        return self.shortcut(a) + self.conv2(self.bn2(self.conv1(a)).relu())


class UpBlock(nn.Module):
    def __init__(self, cin: int, cout: int, output_padding: int):
        super().__init__()
        self.bn1, self.bn2 = nn.BatchNorm2d(cin), nn.BatchNorm2d(cout)
        self.conv1 = nn.ConvTranspose2d(cin, cout, 3, stride=2, padding=1, output_padding=output_padding,
                                        bias=False)
        self.shortcut = nn.ConvTranspose2d(cin, cout, 1, stride=2, output_padding=output_padding, bias=False)
        self.conv2 = _conv3x3(cout, cout)

    def forward(self, x):
        a = self.bn1(x).relu()
        return self.shortcut(a) + self.conv2(self.bn2(self.conv1(a)).relu())


class Crop(nn.Module):
    """Keeps the first h rows and w columns (non-square images whose sides have different parities)."""

    def __init__(self, h: int, w: int):
        super().__init__()
        self.h, self.w = h, w

    def forward(self, x):
        return x[:, :, :self.h, :self.w]


def resnet_stage_sizes(n: int, stages: int) -> List[int]:
    out = [n]
    for _ in range(stages):
        out.append((out[-1] + 1) // 2)
    return out


def _dense(layers: "OrderedDict[str, nn.Module]", width: int, hidden: List[int], out: int, act: str) -> None:
    for h in hidden:
        layers[str(len(layers))] = nn.Linear(width, h)
        layers[str(len(layers))] = activation(act)
        width = h
    layers[str(len(layers))] = nn.Linear(width, out)


def resnet_encoder(spec: dict, out_features: int) -> nn.Sequential:
    arch, (c, h, w) = spec["architecture"], shape_of(spec)
    channels, blocks = arch["channels"], arch.get("blocks", 2)
    hs, ws = resnet_stage_sizes(h, len(channels)), resnet_stage_sizes(w, len(channels))
    layers: "OrderedDict[str, nn.Module]" = OrderedDict()
    layers["stem"] = _conv3x3(c, channels[0])
    cin = channels[0]
    for s, cout in enumerate(channels):
        layers[f"down{s}"] = DownBlock(cin, cout)
        for b in range(blocks):
            layers[f"stage{s}_id{b}"] = IdentityBlock(cout)
        cin = cout
    layers["final_bn"] = nn.BatchNorm2d(cin)
    layers["final_relu"] = nn.ReLU()
    layers["flatten"] = nn.Flatten()
    _dense(layers, cin * hs[-1] * ws[-1], arch.get("hidden", []), out_features, arch.get("activation", "relu"))
    return nn.Sequential(layers)


def resnet_decoder(spec: dict, in_features: int) -> nn.Sequential:
    arch, (c, h, w) = spec["architecture"], shape_of(spec)
    channels, blocks = arch["channels"], arch.get("blocks", 2)
    stages = len(channels)
    hs, ws = resnet_stage_sizes(h, stages), resnet_stage_sizes(w, stages)
    layers: "OrderedDict[str, nn.Module]" = OrderedDict()
    _dense(layers, in_features, arch.get("hidden", [])[::-1], channels[-1] * hs[-1] * ws[-1],
           arch.get("activation", "relu"))
    layers["unflatten"] = nn.Unflatten(1, (channels[-1], hs[-1], ws[-1]))
    for s in range(stages - 1, -1, -1):
        for b in range(blocks):
            layers[f"stage{s}_id{b}"] = IdentityBlock(channels[s])
        cout = channels[s - 1] if s > 0 else channels[0]
        # A k3 s2 p1 transposed conv maps n -> 2n - 1 + output_padding: land on the encoder's size.
        pad_h, pad_w = hs[s] - (2 * hs[s + 1] - 1), ws[s] - (2 * ws[s + 1] - 1)
        if pad_h == pad_w:
            layers[f"up{s}"] = UpBlock(channels[s], cout, pad_h)
        else:
            layers[f"up{s}"] = UpBlock(channels[s], cout, 1)
            layers[f"crop{s}"] = Crop(hs[s], ws[s])
    layers["final_bn"] = nn.BatchNorm2d(channels[0])
    layers["final_relu"] = nn.ReLU()
    layers["head"] = nn.Conv2d(channels[0], c, 3, padding=1)
    return nn.Sequential(layers)


class PatchGAN(nn.Module):
    """forward(x) -> realism logits {B, 1, H/8, W/8}; probabilities are their sigmoid."""

    def __init__(self, image_channels: int, channels: int = 64, norm: str = "batch"):
        super().__init__()
        normed = norm != "none"
        layers: "OrderedDict[str, nn.Module]" = OrderedDict()
        layers["conv0"] = nn.Conv2d(image_channels, channels, 4, stride=2, padding=1)
        layers["act0"] = nn.LeakyReLU(0.2)
        cin = channels
        for i in (1, 2):
            cout = channels << i
            layers[f"conv{i}"] = nn.Conv2d(cin, cout, 4, stride=2, padding=1, bias=not normed)
            if norm == "batch":
                layers[f"norm{i}"] = nn.BatchNorm2d(cout)
            elif norm == "instance":
                layers[f"norm{i}"] = nn.InstanceNorm2d(cout, affine=True)
            layers[f"act{i}"] = nn.LeakyReLU(0.2)
            cin = cout
        layers["head"] = nn.Conv2d(cin, 1, 3, padding=1)
        self.body = nn.Sequential(layers)

    def forward(self, x):
        return self.body(x)
